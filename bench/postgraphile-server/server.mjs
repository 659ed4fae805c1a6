// PostGraphile 4 over the database given as argv[2], on a free loopback port; prints its URL on stdout.
import http from 'node:http';
import process from 'node:process';
import pgl from 'postgraphile';

const middleware = pgl.postgraphile(process.argv[2], 'public', {
  disableDefaultMutations: true,
  ignoreRBAC: true,
  enableQueryBatching: false,
  disableQueryLog: true,
  graphqlRoute: '/graphql',
  retryOnInitFail: false,
});
const server = http.createServer(middleware);
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => middleware.release().then(() => process.exit(0))));

import type { ApolloServerPlugin } from '@apollo/server';
import type { HubContext } from '../../kernel/context.js';
import { withdrawDisclosures } from '../../person/disclosure.js';

/**
 * When the audit row of a clear disclosure could not be written, the answer holds masked values only
 * (clear values resolved earlier in the request are withdrawn) and says so with AUDIT_FAILED.
 */
export function useAuditFailures(): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (!contextValue.auditFailures?.length || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.data) result.data = withdrawDisclosures(contextValue, result.data) as typeof result.data;
          result.errors = [
            ...(result.errors ?? []),
            {
              message:
                'the audit entry of a clear disclosure of personal information could not be written; personal information is shown masked',
              extensions: {
                code: 'AUDIT_FAILED',
                reason: contextValue.auditFailures[0]!.reason,
                messageZh: '个人信息明文查看的审计记录写入失败，本次结果中的个人信息均已脱敏',
              },
            },
          ];
        },
      };
    },
  };
}

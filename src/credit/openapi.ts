/**
 * OpenAPI 3.1 description of the REST facade of the joint-punishment check (served without a token at
 * /api/v1/openapi.json; linted by @redocly/cli's recommended rules in tests/rest-api.test.ts). Every
 * secured operation lists the reusable 401/403/404/429/503 responses, which share one Error schema.
 */
import { DEPARTMENT_CODES } from '../../connectors/registry.js';
import { LIST_ZH, MATTER_ZH } from './print.js';

const str = (description: string, extra: object = {}) => ({ type: 'string', description, ...extra });
const nullableStr = (description: string, extra: object = {}) => ({ type: ['string', 'null'], description, ...extra });
const DEPARTMENTS = [...DEPARTMENT_CODES];
const SUBJECTS = ['ENTERPRISE', 'LEGAL_REPRESENTATIVE', 'PRINCIPAL', 'ACTUAL_CONTROLLER', 'NAMED_PERSON'];
const ACTIONS = ['MEASURES_APPLIED', 'NO_MEASURE_APPLIED', 'GRANTED', 'REFUSED'];
const ref = (kind: 'schemas' | 'responses' | 'parameters', name: string) => ({ $ref: `#/components/${kind}/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });

/** The error answers every secured operation can give. */
const COMMON_ERRORS = {
  401: ref('responses', 'Unauthorized'),
  403: ref('responses', 'Forbidden'),
  404: ref('responses', 'NotFound'),
  429: ref('responses', 'TooManyRequests'),
  503: ref('responses', 'ServiceUnavailable'),
};

const object = (description: string, properties: Record<string, object>, required: string[] = Object.keys(properties)) => ({
  type: 'object',
  description,
  required,
  properties,
});

function schemas() {
  const hit = object('命中 One list entry hitting a subject', {
    entryId: str('名单记录编号'),
    list: str('名单', { enum: Object.keys(LIST_ZH) }),
    department: str('列入部门', { enum: DEPARTMENTS }),
    reason: str('列入原因'),
    legalBasis: str('法律依据（文件标题与条款）'),
    decisionNumber: str('决定文书号'),
    startDate: str('列入日期', { format: 'date' }),
    endDate: nullableStr('届满日期 (null: 长期)', { format: 'date' }),
    subject: str('命中主体', { enum: SUBJECTS }),
    personName: nullableStr('命中人员姓名'),
    personIdNumber: nullableStr('命中人员身份证号（脱敏）'),
    banScope: nullableStr('从业禁止范围 ALL_UNITS / INDUSTRY'),
    listedEnterprise: {
      ...object('名单随人：该名单记录属于另一家企业，命中人员在其被列入时担任法定代表人或主要负责人（null：非此情形）', {
        creditCode: str('被列入企业统一社会信用代码'),
        name: str('被列入企业名称'),
        role: str('该人员在被列入企业的身份', { enum: SUBJECTS }),
        legalBasis: str('名单随人的法律依据'),
      }),
      type: ['object', 'null'],
    },
  });
  const measure = object('适用措施 A catalogue measure that applies', {
    code: str('措施编号'),
    text: str('措施内容'),
    applyingDepartment: str('实施部门', { enum: DEPARTMENTS }),
    effect: str('效力', { enum: ['DENY', 'RESTRICT'] }),
    mandatory: { type: 'boolean', description: '约束性措施（反馈时必须实施）' },
    legalBasis: str('依据（文件标题与条款）'),
    triggeredBy: { type: 'array', description: '触发的名单记录编号', items: str('名单记录编号') },
  });
  const feedback = object('反馈 One feedback row; amendments are new rows naming the row they replace', {
    id: str('反馈编号'),
    action: str('处理结果', { enum: ACTIONS }),
    note: nullableStr('备注或理由'),
    measuresApplied: { type: 'array', description: '已实施措施编号', items: str('措施编号') },
    recordedBy: str('记录人（账号）'),
    recordedByName: nullableStr('经办人'),
    office: nullableStr('办理机构'),
    amends: nullableStr('更正的反馈编号（null：首次反馈）'),
    recordedAt: str('记录时间', { format: 'date-time' }),
  });
  const check = object('联合惩戒核查结果 A stored joint-punishment check', {
    checkId: str('核查编号', { format: 'uuid' }),
    checkedAt: str('核查时间', { format: 'date-time' }),
    matter: str('许可事项', { enum: Object.keys(MATTER_ZH) }),
    asOf: str('核查基准日', { format: 'date' }),
    decision: str('核查结论', { enum: ['PASS', 'RESTRICT', 'DENY'] }),
    summary: str('结论理由'),
    catalogueVersion: { type: 'integer', description: '措施清单版本' },
    policyVersion: { type: ['integer', 'null'], description: '核查规则版本（登记状态、名单随人；null：早于该版本的记录）' },
    statusBasis: nullableStr('登记状态（吊销/注销）决定结论时的法律依据'),
    printUrl: str('打印页地址'),
    caseNumber: nullableStr('申请事项编号'),
    office: nullableStr('办理机构'),
    checkedByName: nullableStr('经办人'),
    feedbackStatus: str('反馈状态：反馈后核查方为办结', { enum: ['AWAITING', 'RECORDED'] }),
    enterprise: object('被核查企业', {
      creditCode: str('统一社会信用代码'),
      name: str('企业名称'),
      status: str('登记状态', { enum: ['ACTIVE', 'REVOKED', 'CANCELLED'] }),
      industryCode: str('行业代码'),
    }),
    hits: { type: 'array', description: '命中记录', items: ref('schemas', 'ListHit') },
    measures: { type: 'array', description: '适用措施', items: ref('schemas', 'AppliedMeasure') },
    personsChecked: {
      type: 'array',
      description: '已核查人员',
      items: object('已核查人员', {
        idNumber: str('身份证号（脱敏）'),
        name: nullableStr('姓名'),
        roles: { type: 'array', description: '身份', items: str('身份', { enum: SUBJECTS }) },
      }),
    },
    sources: {
      type: 'array',
      description: '数据来源时效',
      items: object('数据时效', {
        source: str('连接器'),
        department: str('部门', { enum: DEPARTMENTS }),
        lastSyncedAt: nullableStr('最近成功同步时间', { format: 'date-time' }),
        stale: { type: 'boolean', description: '数据已过期' },
      }),
    },
    feedback: { type: 'array', description: '反馈（按时间先后，最后一条为当前反馈）', items: ref('schemas', 'CheckFeedback') },
  });
  const error = object('错误 An error, with the same codes as the GraphQL API', {
    error: object(
      '错误详情',
      {
        code: str('错误代码', {
          enum: [
            'BAD_USER_INPUT',
            'UNAUTHENTICATED',
            'FORBIDDEN',
            'NOT_FOUND',
            'RATE_LIMITED',
            'SOURCE_UNAVAILABLE',
            'BUSY',
            'INTERNAL_SERVER_ERROR',
          ],
        }),
        message: str('说明（英文，供程序记录）'),
        messageZh: str('中文说明（可直接展示给办事人员）'),
        field: str('出错的字段'),
        reason: str('原因代码，例如 DECISION_CONTRADICTED、MANDATORY_MEASURES_MISSING、NOT_OWN_OFFICE、STALE_AMENDMENT'),
        details: { type: 'object', description: '其他信息（例如同名企业的候选列表）', additionalProperties: true },
      },
      ['code', 'message'],
    ),
  });
  const checkInput = object(
    '联合惩戒核查请求',
    {
      creditCode: str('统一社会信用代码（或给出 name）'),
      name: str('企业名称（多个匹配时返回候选列表）'),
      matter: str('许可事项', { enum: Object.keys(MATTER_ZH) }),
      asOf: str('核查基准日，默认今天', { format: 'date' }),
      persons: { type: 'array', description: '需一并核查人员的身份证号', items: str('身份证号') },
      caseNumber: str('申请事项编号（1至64位字母、数字、汉字或 - _ / 〔〕）', { maxLength: 64 }),
    },
    ['matter'],
  );
  const feedbackInput = object(
    '反馈请求',
    {
      action: str('处理结果：DENY 的核查不能反馈为 GRANTED；有约束性措施时须列明全部约束性措施', { enum: ACTIONS }),
      note: str('备注；未实施措施时为理由，更正时为更正理由'),
      measuresApplied: { type: 'array', description: '已实施措施编号（须为本次核查的适用措施）', items: str('措施编号') },
      amends: str('更正时：被更正的当前反馈编号'),
    },
    ['action'],
  );
  const page = object('核查记录分页', {
    totalCount: { type: 'integer', description: '符合条件的核查总数' },
    items: { type: 'array', description: '本页核查（按时间倒序）', items: ref('schemas', 'JointPunishmentCheck') },
    pageInfo: object('分页', {
      hasNextPage: { type: 'boolean', description: '是否还有下一页' },
      endCursor: nullableStr('下一页的 after 参数'),
    }),
  });
  return {
    ListHit: hit,
    AppliedMeasure: measure,
    CheckFeedback: feedback,
    JointPunishmentCheck: check,
    CheckInput: checkInput,
    FeedbackInput: feedbackInput,
    CheckPage: page,
    Error: error,
  };
}

const errorResponse = (description: string, headers?: object) => ({
  description,
  ...(headers ? { headers } : {}),
  content: json(ref('schemas', 'Error')),
});
const retryAfter = { 'Retry-After': { description: '建议等待的秒数', schema: { type: 'integer' } } };

/** The document; `origin` (scheme://host of the request) becomes the server URL. */
export function openApiDocument(origin = 'http://localhost:4000'): object {
  const checkIdParam = { name: 'id', in: 'path', required: true, description: '核查编号', schema: { type: 'string', format: 'uuid' } };
  return {
    openapi: '3.1.0',
    info: {
      title: '联合惩戒核查接口 Joint-punishment check API',
      version: '1.1.0',
      description:
        '供不使用 GraphQL 的审批系统嵌入联合惩戒核查、查询核查记录、反馈处理结果。与 GraphQL 的同名操作执行相同的规则与权限：' +
        '审批人员只能查看和反馈本办理机构的核查记录。错误以 JSON 返回，代码与 GraphQL 相同，并附中文说明 messageZh。',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: origin, description: '本数据枢纽 This hub' }],
    tags: [
      { name: 'checks', description: '联合惩戒核查：发起、查询' },
      { name: 'feedback', description: '核查后的反馈（必须反馈，核查方为办结）' },
      { name: 'records', description: '可打印的核查记录' },
      { name: 'meta', description: '接口说明文档' },
    ],
    security: [{ bearerAuth: [] }, { apiKey: [] }, { sessionCookie: [], csrfToken: [] }],
    paths: {
      '/api/v1/joint-punishment-checks': {
        post: {
          operationId: 'runJointPunishmentCheck',
          tags: ['checks'],
          summary: '发起一次联合惩戒核查 Run and record a joint-punishment check',
          description: '核查企业及其相关人员在各部门名单中的情况并存档，返回结论、命中记录与适用措施。',
          requestBody: { required: true, content: json(ref('schemas', 'CheckInput')) },
          responses: {
            201: { description: '核查结果（已存档）', content: json(ref('schemas', 'JointPunishmentCheck')) },
            400: ref('responses', 'BadRequest'),
            ...COMMON_ERRORS,
          },
        },
        get: {
          operationId: 'listJointPunishmentChecks',
          tags: ['checks'],
          summary: '查询核查记录 List stored checks (newest first)',
          description: '审批人员只看到本办理机构的核查记录。可按申请事项编号、统一社会信用代码、是否待反馈、是否本人发起筛选。',
          parameters: [
            { name: 'caseNumber', in: 'query', required: false, description: '申请事项编号', schema: { type: 'string', maxLength: 64 } },
            { name: 'creditCode', in: 'query', required: false, description: '统一社会信用代码', schema: { type: 'string' } },
            {
              name: 'awaitingFeedback',
              in: 'query',
              required: false,
              description: 'true：只看待反馈的；false：只看已反馈的',
              schema: { type: 'boolean' },
            },
            { name: 'mine', in: 'query', required: false, description: 'true：只看本人发起的核查', schema: { type: 'boolean' } },
            { name: 'first', in: 'query', required: false, description: '每页条数（默认 20）', schema: { type: 'integer', minimum: 1 } },
            { name: 'after', in: 'query', required: false, description: '上一页返回的 pageInfo.endCursor', schema: { type: 'string' } },
          ],
          responses: {
            200: { description: '一页核查记录', content: json(ref('schemas', 'CheckPage')) },
            400: ref('responses', 'BadRequest'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/api/v1/joint-punishment-checks/{id}': {
        get: {
          operationId: 'getJointPunishmentCheck',
          tags: ['checks'],
          summary: '查看一次核查 Get one stored check',
          description: '其他办理机构的核查记录与不存在的记录一样返回 404。',
          parameters: [checkIdParam],
          responses: {
            200: { description: '核查记录（含反馈历史）', content: json(ref('schemas', 'JointPunishmentCheck')) },
            400: ref('responses', 'BadRequest'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/api/v1/joint-punishment-checks/{id}/feedback': {
        post: {
          operationId: 'recordCheckFeedback',
          tags: ['feedback'],
          summary: '反馈处理结果 Record or amend the feedback of a check',
          description:
            '反馈须与核查结论一致：不予许可（DENY）的核查不能反馈为准予许可；有约束性措施时须列明全部约束性措施；未实施措施须填写理由。' +
            '只有经办人、同一办理机构的审批人员或管理员可以反馈。已有反馈时为更正：amends 填当前反馈编号，并在 note 中说明更正理由，原反馈保留为历史。',
          parameters: [checkIdParam],
          requestBody: { required: true, content: json(ref('schemas', 'FeedbackInput')) },
          responses: {
            201: { description: '已记录的反馈', content: json(ref('schemas', 'CheckFeedback')) },
            400: ref('responses', 'BadRequest'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/checks/{id}': {
        get: {
          operationId: 'printJointPunishmentCheck',
          tags: ['records'],
          summary: '核查记录打印页 Printable record (Chinese HTML)',
          description: '含申请事项编号、经办人、办理机构和反馈历史（更正标注）。',
          parameters: [checkIdParam],
          responses: {
            200: { description: '中文 HTML 打印页', content: { 'text/html': { schema: { type: 'string' } } } },
            400: { description: '核查编号格式不正确', content: { 'text/html': { schema: { type: 'string' } } } },
            ...COMMON_ERRORS,
          },
        },
      },
      '/api/v1/openapi.json': {
        get: {
          operationId: 'getOpenApiDocument',
          tags: ['meta'],
          summary: '本接口说明 This OpenAPI document',
          description: '无需凭证即可读取。',
          security: [],
          responses: {
            200: { description: 'OpenAPI 3.1 文档', content: { 'application/json': { schema: { type: 'object' } } } },
            404: ref('responses', 'NotFound'),
            429: ref('responses', 'TooManyRequests'),
            503: ref('responses', 'ServiceUnavailable'),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: '访问令牌 JWT（Authorization: Bearer …）' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: '审批系统的 API 密钥' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'hub_session', description: '浏览器会话（工作台登录后设置）' },
        csrfToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-CSRF-Token',
          description: '会话方式下非 GET 请求须附带的 CSRF 令牌（GET /api/session 返回）',
        },
      },
      schemas: schemas(),
      responses: {
        BadRequest: errorResponse('请求有误：字段 field 与原因 reason 见错误详情，messageZh 为中文说明'),
        Unauthorized: errorResponse('未认证：缺少或无效的凭证', {
          'WWW-Authenticate': { description: 'Bearer realm="hub"', schema: { type: 'string' } },
        }),
        Forbidden: errorResponse('无权限：角色不允许，或核查记录不属于本办理机构（reason: NOT_OWN_OFFICE）'),
        NotFound: errorResponse('不存在（其他办理机构的核查记录同样返回 404）'),
        TooManyRequests: errorResponse('请求过于频繁', retryAfter),
        ServiceUnavailable: errorResponse('系统繁忙或部门数据源不可用，请稍后重试', retryAfter),
      },
    },
  };
}

/** OpenAPI 3.1 description of the REST facade of the joint-punishment check. */
import { LIST_ZH, MATTER_ZH } from './print.js';

const str = (description: string, extra: object = {}) => ({ type: 'string', description, ...extra });
const nullableStr = (description: string) => ({ type: ['string', 'null'], description });

export function openApiDocument(): object {
  const hit = {
    type: 'object',
    required: ['entryId', 'list', 'department', 'reason', 'legalBasis', 'decisionNumber', 'startDate', 'subject'],
    properties: {
      entryId: str('名单记录编号'),
      list: str('名单', { enum: Object.keys(LIST_ZH) }),
      department: str('列入部门', { enum: ['MARKET', 'HOUSING', 'EMERGENCY', 'TRANSPORT', 'FIRE'] }),
      reason: str('列入原因'),
      legalBasis: str('法律依据'),
      decisionNumber: str('决定文书号'),
      startDate: str('列入日期', { format: 'date' }),
      endDate: nullableStr('届满日期 (null: 长期)'),
      subject: str('命中主体', { enum: ['ENTERPRISE', 'LEGAL_REPRESENTATIVE', 'PRINCIPAL', 'ACTUAL_CONTROLLER', 'NAMED_PERSON'] }),
      personName: nullableStr('命中人员姓名'),
      personIdNumber: nullableStr('命中人员身份证号（脱敏）'),
      banScope: nullableStr('从业禁止范围 ALL_UNITS / INDUSTRY'),
    },
  };
  const check = {
    type: 'object',
    required: ['checkId', 'checkedAt', 'matter', 'asOf', 'decision', 'summary', 'enterprise', 'hits', 'measures', 'personsChecked', 'sources', 'catalogueVersion', 'printUrl', 'feedback'],
    properties: {
      checkId: str('核查编号', { format: 'uuid' }),
      checkedAt: str('核查时间', { format: 'date-time' }),
      matter: str('许可事项', { enum: Object.keys(MATTER_ZH) }),
      asOf: str('核查基准日', { format: 'date' }),
      decision: str('核查结论', { enum: ['PASS', 'RESTRICT', 'DENY'] }),
      summary: str('结论理由'),
      enterprise: {
        type: 'object',
        properties: { creditCode: str('统一社会信用代码'), name: str('企业名称'), status: str('登记状态', { enum: ['ACTIVE', 'REVOKED', 'CANCELLED'] }), industryCode: str('行业代码') },
      },
      hits: { type: 'array', items: hit },
      measures: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            code: str('措施编号'), text: str('措施内容'), applyingDepartment: str('实施部门'), effect: str('效力', { enum: ['DENY', 'RESTRICT'] }),
            mandatory: { type: 'boolean', description: '约束性措施' }, legalBasis: str('依据'), triggeredBy: { type: 'array', items: str('触发的名单记录编号') },
          },
        },
      },
      personsChecked: { type: 'array', items: { type: 'object', properties: { idNumber: str('身份证号（脱敏）'), name: nullableStr('姓名'), roles: { type: 'array', items: { type: 'string' } } } } },
      sources: { type: 'array', items: { type: 'object', properties: { source: str('连接器'), department: str('部门'), lastSyncedAt: nullableStr('最近成功同步时间'), stale: { type: 'boolean' } } } },
      catalogueVersion: { type: 'integer', description: '措施清单版本' },
      printUrl: str('打印页地址'),
      feedback: { type: 'array', items: { type: 'object' } },
    },
  };
  const error = {
    type: 'object',
    properties: { error: { type: 'object', properties: { code: str('BAD_USER_INPUT, NOT_FOUND, UNAUTHENTICATED, FORBIDDEN, INTERNAL_SERVER_ERROR'), message: str('说明'), details: { type: 'object' } } } },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: '联合惩戒核查接口 Joint-punishment check API',
      version: '1.0.0',
      description: '供不使用 GraphQL 的审批系统嵌入联合惩戒核查。与 GraphQL 的 runJointPunishmentCheck 返回相同字段。',
    },
    paths: {
      '/api/v1/joint-punishment-checks': {
        post: {
          summary: '发起一次联合惩戒核查 Run and record a joint-punishment check',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['matter'],
                  properties: {
                    creditCode: str('统一社会信用代码（或给出 name）'),
                    name: str('企业名称（多个匹配时返回候选列表）'),
                    matter: str('许可事项', { enum: Object.keys(MATTER_ZH) }),
                    asOf: str('核查基准日，默认今天', { format: 'date' }),
                    persons: { type: 'array', items: str('需一并核查人员的身份证号') },
                  },
                },
              },
            },
          },
          responses: {
            201: { description: '核查结果（已存档）', content: { 'application/json': { schema: check } } },
            400: { description: '请求有误（字段与原因见 details）', content: { 'application/json': { schema: error } } },
            404: { description: '企业不存在', content: { 'application/json': { schema: error } } },
          },
        },
      },
      '/checks/{checkId}': {
        get: {
          summary: '核查记录打印页（中文 HTML）',
          parameters: [{ name: 'checkId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { 200: { description: 'HTML', content: { 'text/html': {} } }, 404: { description: '不存在' } },
        },
      },
    },
  };
}

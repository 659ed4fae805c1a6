/**
 * The policy documents the rules follow (../shared/seeds/00N_*.txt). What a user reads cites a
 * document by its title and clause, never by our seed file's number ("002 (十四)" means nothing to an
 * officer or a court); code comments may keep the short form.
 */
export const DOCUMENT_TITLES = {
  '000':
    '《湖北省安全生产委员会关于贯彻落实国务院安全生产委员会〈关于进一步强化安全生产责任落实坚决防范遏制重特大事故的若干措施〉的实施意见》',
  '001': '《中共湖南省委 湖南省人民政府关于推进安全生产领域改革发展的实施意见》',
  '002': '《关于进一步加强我省安全生产工作的25条措施》',
  '003': '《吉林省人防办关于进一步强化安全生产责任落实坚决防范遏制重特大事故实施方案的通知》（吉防办发〔2022〕42号）',
  '004': '《溆浦县重大事故隐患专项排查整治2023行动方案》',
} as const;

export type DocumentId = keyof typeof DOCUMENT_TITLES;

/** A citation a person reads: the document's title and the clause, e.g. 《…25条措施》（十四）. */
export function cite(doc: DocumentId, clause: string): string {
  return `${DOCUMENT_TITLES[doc]}${clause}`;
}

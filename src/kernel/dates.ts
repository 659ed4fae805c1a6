/** Calendar dates as the departments' systems mean them. */
const ZONE = 'Asia/Shanghai';

// built once: constructing a DateTimeFormat costs tens of microseconds, and every check asks for today
const CHINA_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's calendar date where these systems are (dates carry no zone; China has one). */
export function todayIso(now = new Date()): string {
  return CHINA_DAY.format(now);
}

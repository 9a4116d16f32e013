// read.mjs reads one iCalendar file from standard input with ical.js and
// prints what a calendar client would show, as JSON, so Go tests can check the
// files Roundtable writes. Each event's start and end are given as instants
// (UTC) and as wall-clock times in every zone named on the command line.
//
//   node read.mjs Europe/London America/New_York < meeting.ics
//
// The time zones the file defines (VTIMEZONE) are registered first, so times
// are read with the file's own zone data; a TZID without a VTIMEZONE would be
// read as floating time and show up as a wrong instant (run with TZ=UTC).
import ICAL from "ical.js";

const zones = process.argv.slice(2);
let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;

const cal = new ICAL.Component(ICAL.parse(text));
const defined = [];
for (const vtz of cal.getAllSubcomponents("vtimezone")) {
  const tz = new ICAL.Timezone(vtz);
  ICAL.TimezoneService.register(tz, tz.tzid);
  defined.push(tz.tzid);
}

function wall(date, zone) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(date);
  const get = (t) => parts.find((p) => p.type === t).value;
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
}

function when(t) {
  const date = t.toJSDate();
  const out = { utc: date.toISOString(), tzid: t.zone ? t.zone.tzid : "", local: {} };
  for (const z of zones) out.local[z] = wall(date, z);
  return out;
}

const events = cal.getAllSubcomponents("vevent").map((ve) => {
  const ev = new ICAL.Event(ve);
  const people = (name) => ve.getAllProperties(name).map((p) => ({
    value: p.getFirstValue(), cn: p.getParameter("cn") || "",
  }));
  return {
    uid: ev.uid,
    sequence: ev.sequence,
    status: ve.getFirstPropertyValue("status") || "",
    summary: ev.summary || "",
    description: ev.description || "",
    location: ev.location || "",
    url: ve.getFirstPropertyValue("url") || "",
    start: when(ev.startDate),
    end: when(ev.endDate),
    organizer: people("organizer")[0] || null,
    attendees: people("attendee"),
  };
});

console.log(JSON.stringify({
  method: cal.getFirstPropertyValue("method") || "",
  name: cal.getFirstPropertyValue("x-wr-calname") || "",
  timezones: defined,
  events,
}));

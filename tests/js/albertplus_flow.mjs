// The AlbertPlus web app's main flows over the npm ConvexClient (WebSocket), with live subscriptions.
// Usage: node albertplus_flow.mjs <params.json>; params = {url, userToken, adminToken, audit, planned,
// sections: {a, b}}. Each step waits until a subscription pushes the expected state (a timeout fails the
// script). Prints one JSON line: {"steps": [{"step", "updates", "value"}...], "pages": {...}}.
import { readFileSync } from "node:fs";
import WebSocket from "ws";
import { ConvexClient } from "convex/browser";
import { makeFunctionReference as fn } from "convex/server";
import { ConvexError } from "convex/values";

const params = JSON.parse(readFileSync(process.argv[2], "utf8"));
const steps = [];
const newClient = (token) => {
  const client = new ConvexClient(params.url, { webSocketConstructor: WebSocket });
  if (token) client.setAuth(async () => token);
  return client;
};

function watch(client, path, args) {
  const state = { value: undefined, updates: 0, waiters: [], error: null };
  state.stop = client.onUpdate(fn(path), args, (value) => {
    state.value = value;
    state.updates += 1;
    state.waiters = state.waiters.filter((w) => !w.check(value));
  }, (err) => { state.error = String(err); });
  return state;
}

function until(state, step, predicate, ms = 8000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(
      `${step}: no matching update in ${ms} ms; last ${JSON.stringify(state.value)} error ${state.error}`)), ms);
    const check = (value) => {
      if (value === undefined || !predicate(value)) return false;
      clearTimeout(timer);
      steps.push({ step, updates: state.updates, value });
      resolve(value);
      return true;
    };
    if (!check(state.value)) state.waiters.push({ check });
  });
}

async function rejected(promise) {
  try { await promise; } catch (e) { return e instanceof ConvexError ? { data: e.data } : { message: e.message }; }
  throw new Error("expected a rejection");
}

const user = newClient(params.userToken);
const admin = newClient(params.adminToken);
const anonymous = newClient(null);
const out = { steps, pages: {} };
try {
  // --- onboarding -------------------------------------------------------------------------------------------
  const schools = await anonymous.query(fn("schools:getSchools"), {});
  const cas = schools.find((s) => s.shortName === "CAS" && s.level === "undergraduate");
  const programs = await user.query(fn("programs:getPrograms"),
    { query: "Computer Science", paginationOpts: { numItems: 10, cursor: null } });
  const ba = programs.page.find((p) => p.name === "Computer Science (BA)");
  const student = watch(user, "students:getCurrentStudent", {});
  await until(student, "student: none yet", (v) => v === null);
  await user.mutation(fn("students:upsertCurrentStudent"), {
    programs: [ba._id], school: cas._id,
    startingDate: { year: 2023, term: "fall" }, expectedGraduationDate: { year: 2027, term: "spring" } });
  await until(student, "student: onboarded", (v) => v && v.school.shortName === "CAS"
    && v.programs.map((p) => p.name).join() === "Computer Science (BA)");
  await user.mutation(fn("students:updateCurrentStudent"), { startingDate: { year: 2022, term: "fall" } });
  await until(student, "student: starting term from the audit", (v) => v.startingDate.year === 2022);
  const invite = watch(user, "studentInvites:getCurrentUserInvite", {});
  await until(invite, "invite: none yet", (v) => v === null);
  await user.mutation(fn("studentInvites:createInvite"), { name: "Flow Student", email: "flow@nyu.edu" });
  await until(invite, "invite: created", (v) => v && v.email === "flow@nyu.edu");

  const courses = watch(user, "userCourses:getUserCourses", {});
  await until(courses, "plan: empty", (v) => v.length === 0);
  out.imported = await user.mutation(fn("userCourses:importUserCourses"), { courses: params.audit });
  await until(courses, "plan: imported audit", (v) => v.length === params.audit.length);

  // --- plan page --------------------------------------------------------------------------------------------
  const plannedId = await user.mutation(fn("userCourses:createUserCourse"), params.planned);
  await until(courses, "plan: planned course added", (v) => v.some((c) => c._id === plannedId && c.course));
  await user.mutation(fn("userCourses:updateUserCourse"), { id: plannedId, term: "fall", year: 2027 });
  await until(courses, "plan: planned course moved", (v) => v.some((c) => c._id === plannedId && c.term === "fall"));
  await user.mutation(fn("userCourses:deleteUserCourse"), { id: plannedId });
  await until(courses, "plan: planned course deleted", (v) => !v.some((c) => c._id === plannedId));

  // --- register page ----------------------------------------------------------------------------------------
  const configs = await user.query(fn("appConfigs:getAllAppConfigs"), {});
  const cfg = Object.fromEntries(configs.map((c) => [c.key, c.value]));
  const term = cfg.next_term, year = Number(cfg.next_year);
  const listing = { term, year, paginationOpts: { numItems: 25, cursor: null } };
  const page1 = await user.query(fn("courseOfferings:getCourseOfferings"), listing);
  const page2 = await user.query(fn("courseOfferings:getCourseOfferings"),
    { ...listing, paginationOpts: { numItems: 25, cursor: page1.continueCursor } });
  const search = { term, year, query: "Data", paginationOpts: { numItems: 4, cursor: null } };
  const hits1 = await user.query(fn("courseOfferings:getCourseOfferings"), search);
  const hits2 = await user.query(fn("courseOfferings:getCourseOfferings"),
    { ...search, paginationOpts: { numItems: 4, cursor: hits1.continueCursor } });
  out.pages = { term, year, page1: page1.page, page2: page2.page, hits1: hits1.page, hits2: hits2.page,
    page1Done: page1.isDone, hits1Done: hits1.isDone };

  const { a, b } = params.sections;
  const schedule = watch(user, "userCourseOfferings:getScheduleCourseOfferings", {});
  await until(schedule, "schedule: empty", (v) => v.length === 0);
  const rowA = await user.mutation(fn("userCourseOfferings:addUserCourseOffering"), { classNumber: a });
  await until(schedule, "schedule: A added", (v) => v.length === 1 && v[0].courseOffering.classNumber === a);
  out.conflict = await rejected(user.mutation(fn("userCourseOfferings:addUserCourseOffering"), { classNumber: b }));
  const altsOfA = watch(user, "userCourseOfferings:getAlternativeCourses", { userCourseOfferingId: rowA });
  await until(altsOfA, "alternatives of A: none", (v) => v.length === 0);
  const rowB = await user.mutation(fn("userCourseOfferings:addUserCourseOffering"),
    { classNumber: b, alternativeOf: rowA });
  await until(altsOfA, "alternatives of A: B", (v) => v.length === 1 && v[0]._id === rowB);
  const altsOfB = watch(user, "userCourseOfferings:getAlternativeCourses", { userCourseOfferingId: rowB });
  await until(altsOfB, "alternatives of B: none", (v) => v.length === 0);
  await user.mutation(fn("userCourseOfferings:swapWithAlternative"), { alternativeId: rowB });
  await until(schedule, "schedule: swapped to B", (v) => v.length === 1 && v[0]._id === rowB);
  await until(altsOfB, "alternatives of B: A", (v) => v.length === 1 && v[0]._id === rowA);
  await until(altsOfA, "alternatives of A: none after swap", (v) => v.length === 0);
  await user.mutation(fn("userCourseOfferings:removeUserCourseOffering"), { id: rowB });
  await until(schedule, "schedule: B removed, A back", (v) => v.length === 1 && v[0]._id === rowA
    && v[0].alternativeOf === undefined);

  // --- admin page -------------------------------------------------------------------------------------------
  const adminConfigs = watch(admin, "appConfigs:getAllAppConfigs", {});
  await until(adminConfigs, "admin: configs loaded", (v) => v.some((c) => c.key === "is_scrape_next"));
  out.notAdmin = await rejected(user.mutation(fn("appConfigs:setAppConfig"), { key: "is_scrape_next", value: "x" }));
  await admin.mutation(fn("appConfigs:setAppConfig"), { key: "is_scrape_next", value: "true" });
  await until(adminConfigs, "admin: scrape flag on", (v) => v.some((c) => c.key === "is_scrape_next"
    && c.value === "true"));
  await admin.mutation(fn("appConfigs:setAppConfig"), { key: "is_scrape_next", value: "false" });
  await until(adminConfigs, "admin: scrape flag off", (v) => v.some((c) => c.key === "is_scrape_next"
    && c.value === "false"));
} finally {
  await Promise.all([user.close(), admin.close(), anonymous.close()]);
}
console.log(JSON.stringify(out));

// The page tests/test_browser.py loads in headless Chromium: the npm `convex` browser client (bundled by
// esbuild) subscribes to messages:list and messages:whoami over the sync WebSocket, renders them, and exposes
// a few actions to the driver (a mutation, and ConvexHttpClient calls that need CORS with an Authorization
// header). Query string: ?convex=<deployment URL>&author=<author>&token=<dev JWT>.
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";

const params = new URLSearchParams(location.search);
const url = params.get("convex");
const author = params.get("author");
const token = params.get("token");
const fn = (path) => makeFunctionReference(path);

const state = { bodies: [], updates: 0, whoami: undefined, errors: [] };
window.__state = state;

const client = new ConvexClient(url);
client.setAuth(async () => token);

function render() {
  const list = document.getElementById("messages");
  list.replaceChildren(
    ...state.bodies.map((body) => {
      const item = document.createElement("li");
      item.textContent = body;
      return item;
    }),
  );
  document.getElementById("whoami").textContent = String(state.whoami);
}

client.onUpdate(
  fn("messages:list"),
  { author },
  (docs) => {
    state.bodies = docs.map((doc) => doc.body);
    state.updates += 1;
    render();
  },
  (error) => state.errors.push(`messages:list failed: ${error}`),
);
client.onUpdate(
  fn("messages:whoami"),
  {},
  (subject) => {
    state.whoami = subject;
    render();
  },
  (error) => state.errors.push(`messages:whoami failed: ${error}`),
);

window.__send = (body) => client.mutation(fn("messages:send"), { author, body });

window.__http = async () => {
  const http = new ConvexHttpClient(url);
  const anonymous = await http.query(fn("messages:whoami"), {});
  http.setAuth(token);
  const signedIn = await http.query(fn("messages:whoami"), {});
  const id = await http.mutation(fn("messages:send"), { author, body: "from-page-http" });
  let refused = null;
  try {
    await http.mutation(fn("messages:send"), { author, body: "" });
  } catch (error) {
    refused = { name: error.name, data: error.data ?? null };
  }
  return { anonymous, signedIn, id, refused };
};

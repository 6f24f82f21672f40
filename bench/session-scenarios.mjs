// The authorization-code round trip with a live single sign-on session (issue 12): each virtual
// user signs in once (before anything is measured), then loops authorize → code → token with its
// cookies — no form, no password check — against our server and node-oidc-provider, driven the
// same way (bench/flow.mjs with `session: true`; meeting a form counts as a failure).
// Our server: authorize (303 to the callback) → token, 2 requests per round trip.
// They join the flow group (same servers, one table), so that the ratio to the signed-in-each-time
// row of the same run is printed.
import { checkFlow, discoverFlow, driveFlows } from './flow.mjs';

const SESSION_SERVERS = [
  { key: 'ours-flow', label: 'ours', description: 'our server' },
  { key: 'oidc-provider-flow', label: 'oidc-provider', description: 'node-oidc-provider v9 (its session and grant reused)' },
];

/** Concurrent virtual users of the session rows (issue 12: 8). */
export const SESSION_USERS = 8;

export const sessionScenarioName = (label, users) => `session-${label}-u${users}`;

/** The bcrypt cost of the user of the session rows: 10 when measured (the row it is compared to), else the highest. */
const sessionCost = (costs) => (costs.includes(10) ? 10 : Math.max(...costs));

export function sessionFlowScenarios({ costs, users = SESSION_USERS }) {
  const cost = sessionCost(costs);
  return SESSION_SERVERS.map((server) => ({
    name: sessionScenarioName(server.label, users),
    group: 'flow',
    unit: 'flows',
    server: server.key,
    serverLabel: `${server.label}, live session`,
    users,
    cost,
    // The bcrypt bound of the flow table does not apply: no password is checked in the runs.
    noPasswordCheck: true,
    runs: 'interleaved',
    description: `${server.description}, ${users} users each signed in once (bcrypt cost ${cost}), then authorize → code → token with the session cookie`,
    setup: (target, fixtures) => {
      const user = fixtures.flowUsers.get(cost);
      return discoverFlow(target, { client: fixtures.flowClient, redirectUri: fixtures.flowClient.redirectUri, scope: fixtures.flowScope, username: user.username, password: user.password });
    },
    check: (target, _fixtures, flow) => checkFlow(target, flow, { session: true }),
    measure: (target, flow, settings, phase) => driveFlows(target, flow, {
      users: Math.max(users, phase === 'server-warmup' ? 8 : users),
      transport: settings.flowClient,
      leadInSeconds: phase === 'run' ? settings.flowLeadInSeconds : 0,
      durationSeconds: { 'server-warmup': settings.flowServerWarmupSeconds, warmup: settings.flowWarmupSeconds, run: settings.flowDurationSeconds }[phase],
      session: true,
    }),
  }));
}

/** Issue 12's goals: ≥ 2× node-oidc-provider's session flow, ≥ 10× our signed-in-each-time flow at cost 10. */
export function sessionFlowComparisons({ costs, users = SESSION_USERS }) {
  const cost = sessionCost(costs);
  return [
    { name: `session: ours / oidc-provider, ${users} users`, numerator: sessionScenarioName('ours', users), denominator: sessionScenarioName('oidc-provider', users), goal: { min: 2 }, goalText: '≥ 2.00' },
    {
      name: `session / signed in each time (ours, ${users} users, cost ${cost})`, numerator: sessionScenarioName('ours', users), denominator: `flow-ours-c${cost}-u${users}`,
      ...(cost === 10 ? { goal: { min: 10 }, goalText: '≥ 10.0' } : {}),
    },
  ];
}

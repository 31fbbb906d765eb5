// The bootstrap check under moto's IAM enforcement: a denied DescribeStacks or
// GetParameter gives unknown with the action needed, and a custom toolkit stack name
// needs no permission on CDKToolkit. moto 5.2.1 applies a Deny only when its Resource
// is "*", so the deny on stack CDKToolkit alone comes from a loopback stub.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeIsolatedEnv } from "./harness/env.js";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { createUser, type SeededUser } from "./harness/seed.js";
import { bootstrapTemplate, createToolkitStack, makeProject, runBootstrapCheck, type Project } from "./fixtures/bootstrap/helpers.js";
import { startStatusStub } from "./fixtures/bootstrap/status-stub.js";

const ACCOUNT = "111111111111";

function allowAllExcept(action: string, resource = "*") {
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "*", Resource: "*" },
      { Effect: "Deny", Action: action, Resource: resource },
    ],
  };
}

interface State {
  moto: MotoServer;
  users: Record<string, SeededUser>;
  projects: Project[];
}

const access = suite<State>("bootstrap access");

access.before(async (state) => {
  state.moto = await startMoto();
  state.projects = [];
  await bootstrapTemplate();
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1" });
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1", stackName: "ToolkitProd", qualifier: "prod01" });
  state.users = {
    noParameter: await createUser(state.moto, "no-parameter", allowAllExcept("ssm:GetParameter"), { account: ACCOUNT }),
    noStacks: await createUser(state.moto, "no-stacks", allowAllExcept("cloudformation:DescribeStacks"), { account: ACCOUNT }),
    allowed: await createUser(state.moto, "allowed", allowAllExcept("iam:DeleteRole"), { account: ACCOUNT }),
  };
  await state.moto.enableAuth();
});

access.after(async (state) => {
  for (const project of state.projects) project.cleanup();
  await state.moto?.stop();
});

async function check(state: State, user: SeededUser, options: Omit<Parameters<typeof runBootstrapCheck>[0], "cwd" | "env"> & { tool?: "cdk" | "sst-v2"; endpoint?: string } = {}) {
  const project = makeProject({ tool: options.tool === "sst-v2" ? "sst-v2" : "cdk" });
  state.projects.push(project);
  const isolated = makeIsolatedEnv({
    endpoint: options.endpoint ?? state.moto.url,
    vars: { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey, AWS_REGION: "eu-west-1" },
  });
  try {
    const { endpoint: _endpoint, ...rest } = options;
    return await runBootstrapCheck({ ...rest, cwd: project.dir, env: isolated.env });
  } finally {
    isolated.cleanup();
  }
}

access("denied GetParameter is unknown with the action", async (state) => {
  const { bootstrap, results } = await check(state, state.users.noParameter!);
  assert.is(results.find((result) => result.id === "credentials")?.status, "pass");
  assert.is(bootstrap.status, "unknown", bootstrap.summary);
  assert.match(bootstrap.summary, `ssm:GetParameter on arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/cdk-bootstrap/hnb659fds/version was denied`);
  assert.ok(bootstrap.guidance.some((line) => line.startsWith("Allow ssm:GetParameter on arn:aws:ssm:eu-west-1:")), bootstrap.guidance.join("\n"));
});

access("denied DescribeStacks is unknown with the action", async (state) => {
  const { bootstrap } = await check(state, state.users.noStacks!, { fix: true });
  assert.is(bootstrap.status, "unknown", bootstrap.summary);
  assert.match(bootstrap.summary, `cloudformation:DescribeStacks on arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/CDKToolkit/* was denied`);
  assert.ok(bootstrap.guidance.some((line) => line.includes(`arn:aws:iam::${ACCOUNT}:user/no-stacks`)), "the guidance names the caller");
  const target = (bootstrap.data?.targets as Array<Record<string, unknown>>)[0]!;
  assert.is(target.fix, null, "an unknown state is never fixed");
});

access("custom toolkit stack needs no access to CDKToolkit", async (state) => {
  const stub = await startStatusStub(state.moto.url, [{ stackName: "CDKToolkit", account: ACCOUNT, status: "denied" }]);
  try {
    const denied = await check(state, state.users.allowed!, { endpoint: stub.url });
    assert.is(denied.bootstrap.status, "unknown", "the stub must deny DescribeStacks on CDKToolkit");
    assert.match(denied.bootstrap.summary, "cloudformation:DescribeStacks");

    const { bootstrap } = await check(state, state.users.allowed!, {
      endpoint: stub.url,
      tool: "sst-v2",
      appConfig: { name: "site", cdk: { toolkitStackName: "ToolkitProd", qualifier: "prod01" } },
    });
    assert.is(bootstrap.status, "pass", `${bootstrap.summary}\n${bootstrap.details.join("\n")}`);
    assert.match(bootstrap.summary, "bootstrapped at version 34");
    assert.equal(stub.served, ["eu-west-1/CDKToolkit"], "only the first run asked for CDKToolkit");
  } finally {
    await stub.stop();
  }
});

access.run();

// The call cache that the stages of one run share. Identical read-only calls with the same
// credentials reach AWS once, and other credentials, other inputs and writes never share.
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { GetParameterCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { AwsCallCache, shareReadCalls } from "../plugin/aws/call-cache.js";
import { AwsClients } from "../plugin/aws/clients.js";
import { applyEnv, makeIsolatedEnv } from "./harness/env.js";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { putParameter } from "./harness/seed.js";

interface State {
  moto: MotoServer;
  restoreEnv: () => void;
}

const cache = suite<State>("shared read calls");

cache.before(async (state) => {
  state.moto = await startMoto();
  await putParameter(state.moto, "/shared/value", "1");
  const isolated = makeIsolatedEnv({ endpoint: state.moto.url, vars: { AWS_REGION: "us-east-1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } });
  state.restoreEnv = applyEnv(isolated.env);
});

cache.after(async (state) => {
  state.restoreEnv?.();
  await state.moto?.stop();
});

function clientsFor(accessKeyId: string, callCache: AwsCallCache): AwsClients {
  const clients = new AwsClients({ requestTimeoutMs: 5_000, defaultRegion: "us-east-1", callCache });
  clients.setCredentials(async () => ({ accessKeyId, secretAccessKey: "cacheTestSecret" }));
  return clients;
}

async function recorded(state: State, task: () => Promise<unknown>): Promise<string[]> {
  await state.moto.startRecording();
  await task();
  await state.moto.stopRecording();
  return (await state.moto.recording()).map((request) => `${request.service}:${request.action}`);
}

cache("same caller shares one call", async (state) => {
  const shared = new AwsCallCache();
  const sessions = [clientsFor("AKIACACHETEST0000001", shared), clientsFor("AKIACACHETEST0000001", shared), clientsFor("AKIACACHETEST0000001", shared)];
  const requests = await recorded(state, () =>
    Promise.all(sessions.map(async (clients) => (await clients.sts()).send(new GetCallerIdentityCommand({})))),
  );
  assert.equal(requests, ["sts:GetCallerIdentity"]);
  await Promise.all(sessions.map((clients) => clients.destroy()));
});

cache("other callers and inputs do not share", async (state) => {
  const shared = new AwsCallCache();
  const first = clientsFor("AKIACACHETEST0000001", shared);
  const second = clientsFor("AKIACACHETEST0000002", shared);
  const requests = await recorded(state, async () => {
    await (await first.ssm()).send(new GetParameterCommand({ Name: "/shared/value" }));
    await (await second.ssm()).send(new GetParameterCommand({ Name: "/shared/value" }));
    await (await first.ssm()).send(new GetParameterCommand({ Name: "/shared/value", WithDecryption: true }));
  });
  assert.is(requests.length, 3, requests.join(", "));
  await first.destroy();
  await second.destroy();
});

cache("failed calls are asked again", async (state) => {
  const shared = new AwsCallCache();
  const clients = clientsFor("AKIACACHETEST0000001", shared);
  const ssm = await clients.ssm();
  const requests = await recorded(state, async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      await ssm.send(new GetParameterCommand({ Name: "/shared/missing" })).catch(() => undefined);
    }
  });
  assert.is(requests.length, 2, "a ParameterNotFound is not kept");
  await clients.destroy();
});

cache("writes are never shared", async () => {
  const shared = new AwsCallCache();
  let sent = 0;
  const fake = { send: async (_command: unknown) => ++sent };
  const client = shareReadCalls(fake, "ssm:us-east-1", async () => ({ accessKeyId: "AKIACACHETEST0000001", secretAccessKey: "x" }), shared);
  await client.send(new PutParameterCommand({ Name: "/shared/value", Value: "2", Overwrite: true }));
  await client.send(new PutParameterCommand({ Name: "/shared/value", Value: "2", Overwrite: true }));
  assert.is(sent, 2);
  assert.is(shared.size, 0);
});

cache.run();

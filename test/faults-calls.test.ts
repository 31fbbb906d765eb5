// One AWS call through callAws against a server that stalls, resets, fails, throttles
// or returns malformed data. Every call ends within its timeout with a classified error,
// for each wire format the checks use (Query XML, JSON 1.1, S3's REST XML).
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { AwsClients } from "../plugin/aws/clients.js";
import { AwsCallError, callAws, type AwsFailureKind } from "../plugin/aws/call.js";
import { applyEnv, makeIsolatedEnv } from "./harness/env.js";
import { startFaultServer, type FaultKind, type FaultServer } from "./harness/fault-server.js";
import { startMoto, type MotoServer } from "./harness/moto.js";

const CALL_TIMEOUT_MS = 600;
// Time allowed past the call timeout: one SDK retry with backoff, and a loaded 2-core machine.
const SLACK_MS = 2_500;

interface State {
  moto: MotoServer;
  faults: FaultServer;
  restoreEnv: () => void;
}

const calls = suite<State>("calls under faults");

calls.before(async (state) => {
  state.moto = await startMoto();
  state.faults = await startFaultServer({ upstreamUrl: state.moto.url });
  const isolated = makeIsolatedEnv({ endpoint: state.faults.url, vars: { AWS_REGION: "us-east-1" } });
  state.restoreEnv = applyEnv(isolated.env);
});

calls.after(async (state) => {
  state.restoreEnv?.();
  await state.faults?.stop();
  await state.moto?.stop();
});

type Send = (clients: AwsClients, abortSignal: AbortSignal) => Promise<unknown>;

const SERVICES: Record<string, { action: string; send: Send }> = {
  sts: {
    action: "sts:GetCallerIdentity",
    send: async (clients, abortSignal) => (await clients.sts()).send(new GetCallerIdentityCommand({}), { abortSignal }),
  },
  ssm: {
    action: "ssm:GetParameter",
    send: async (clients, abortSignal) => (await clients.ssm()).send(new GetParameterCommand({ Name: "/cdk-bootstrap/hnb659fds/version" }), { abortSignal }),
  },
  s3: {
    action: "s3:ListBucket",
    send: async (clients, abortSignal) => (await clients.s3()).send(new ListObjectsV2Command({ Bucket: "cdk-hnb659fds-assets-123456789012-us-east-1" }), { abortSignal }),
  },
};

const EXPECTED: Partial<Record<FaultKind, AwsFailureKind>> = {
  stall: "timeout",
  "stall-body": "timeout",
  reset: "network",
  "status-500": "server",
  "status-503": "server",
  throttle: "throttled",
  malformed: "malformed-response",
  "forbidden-wrong-format": "access-denied",
  "forbidden-html": "access-denied",
  "gateway-html": "server",
};

async function callWithFault(state: State, service: string, fault: FaultKind, timeoutMs = CALL_TIMEOUT_MS): Promise<{ error: unknown; elapsedMs: number }> {
  const entry = SERVICES[service]!;
  state.faults.configure([{ service, fault }]);
  const clients = new AwsClients({ requestTimeoutMs: timeoutMs, defaultRegion: "us-east-1" });
  clients.setCredentials(async () => ({ accessKeyId: "AKIAFAULTTEST0000001", secretAccessKey: "faultTestSecret" }));
  const began = performance.now();
  try {
    await callAws(entry.action, (abortSignal) => entry.send(clients, abortSignal), { timeoutMs });
    return { error: undefined, elapsedMs: performance.now() - began };
  } catch (error) {
    return { error, elapsedMs: performance.now() - began };
  } finally {
    await clients.destroy();
  }
}

for (const service of Object.keys(SERVICES)) {
  for (const [fault, kind] of Object.entries(EXPECTED)) {
    // S3 returns a 403 without a body for HEAD requests only; its XML errors carry no JSON form.
    if (service === "s3" && fault === "forbidden-wrong-format") continue;

    calls(`${service} ${fault} becomes ${kind}`, async (state) => {
      const { error, elapsedMs } = await callWithFault(state, service, fault as FaultKind);
      assert.instance(error, AwsCallError, `expected an AwsCallError, got ${String(error)}`);
      const failure = error as AwsCallError;
      assert.is(failure.kind, kind, `kind for ${fault}: ${failure.message}`);
      assert.is(failure.action, SERVICES[service]!.action);
      assert.ok(failure.message.length > 0, "the error has a message");
      assert.ok(elapsedMs < CALL_TIMEOUT_MS + SLACK_MS, `the call took ${Math.round(elapsedMs)} ms`);
      assert.ok(state.faults.calls.some((call) => call.outcome === fault), "the fault server applied the fault");
    });
  }
}

calls("one throttle is retried", async (state) => {
  state.faults.configure([{ service: "sts", fault: "throttle", times: 1 }]);
  const clients = new AwsClients({ requestTimeoutMs: 5_000, defaultRegion: "us-east-1" });
  clients.setCredentials(async () => ({ accessKeyId: "AKIAFAULTTEST0000001", secretAccessKey: "faultTestSecret" }));
  try {
    const output = (await callAws("sts:GetCallerIdentity", (abortSignal) => SERVICES.sts!.send(clients, abortSignal), { timeoutMs: 5_000 })) as { Account?: string };
    assert.is(output.Account, "123456789012");
    assert.equal(state.faults.calls.map((call) => call.outcome), ["throttle", "upstream"]);
  } finally {
    await clients.destroy();
  }
});

calls("no retry past the timeout", async (state) => {
  // A throttling pause is at least 200 ms, so with a 180 ms timeout the call ends at once.
  const { error, elapsedMs } = await callWithFault(state, "sts", "throttle", 180);
  assert.instance(error, AwsCallError);
  assert.is((error as AwsCallError).kind, "throttled", (error as Error).message);
  assert.is(state.faults.calls.length, 1, "one attempt only");
  assert.ok(elapsedMs < 180, `the call took ${Math.round(elapsedMs)} ms`);
});

calls("sts call passes through to moto", async (state) => {
  const { error } = await callWithFault(state, "sts", "stall");
  assert.ok(error, "the stalled call fails");
  state.faults.configure([]);
  const clients = new AwsClients({ requestTimeoutMs: CALL_TIMEOUT_MS, defaultRegion: "us-east-1" });
  clients.setCredentials(async () => ({ accessKeyId: "AKIAFAULTTEST0000001", secretAccessKey: "faultTestSecret" }));
  try {
    const output = (await callAws("sts:GetCallerIdentity", (abortSignal) => SERVICES.sts!.send(clients, abortSignal), { timeoutMs: 5_000 })) as { Account?: string };
    assert.is(output.Account, "123456789012");
  } finally {
    await clients.destroy();
  }
});

calls.run();

// Runs the main job on the example app against a local AWS emulator: the real
// `sst deploy` from sst@2.49.8, guarded by the checks in sst.config.ts.example.
// Nothing leaves 127.0.0.1: moto_server replaces AWS, keys are fake.
import { execa } from "execa";
import path from "node:path";
import { makeIsolatedEnv } from "./harness/env.js";
import { motoAvailable, MOTO_INSTALL_COMMAND, startMoto } from "./harness/moto.js";
import { makeSstApp } from "./harness/sst-app.js";
import { seedExampleProdAccount } from "./harness/example-account.js";
import { startIamStub } from "./harness/iam-stub.js";

// The seeding clients run in this process; their Node 22 notice is noise in a demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

if (!motoAvailable()) {
  process.stderr.write(`moto_server is not installed; install it with: ${MOTO_INSTALL_COMMAND}\n`);
  process.exit(2);
}

// A bootstrapped prod account, 111111111111, whose deployer's keys the demo uses.
const moto = await startMoto();
const deployer = await seedExampleProdAccount(moto);
await moto.enableAuth();
// moto lacks the IAM policy simulator; this loopback stub serves it and passes the rest to moto.
const stub = await startIamStub({ upstreamUrl: moto.url, simulation: { defaultDecision: "allowed" } });
const app = makeSstApp();
const isolated = makeIsolatedEnv({
  endpoint: stub.url,
  vars: { AWS_ACCESS_KEY_ID: deployer.accessKeyId, AWS_SECRET_ACCESS_KEY: deployer.secretAccessKey, NO_COLOR: undefined },
});
const sst = path.join(app.dir, "node_modules", ".bin", "sst");

async function step(title: string, args: string[]): Promise<void> {
  process.stderr.write(`\n=== ${title}\n$ sst ${args.join(" ")}\n`);
  const result = await execa(sst, args, { cwd: app.dir, env: isolated.env, extendEnv: false, reject: false, stdin: "ignore", stdout: "inherit", stderr: "inherit", timeout: 180_000 });
  process.stderr.write(`=== exit code ${result.exitCode}\n`);
}

try {
  await step("Stage dev expects account 222222222222, so the deploy stops before CloudFormation", ["deploy", "--stage", "dev"]);
  await step("Stage prod expects account 111111111111: every check passes and SST goes on (the emulator cannot finish an SST deploy)", ["deploy", "--stage", "prod"]);
} finally {
  await stub.stop();
  await moto.stop();
  app.cleanup();
  isolated.cleanup();
}

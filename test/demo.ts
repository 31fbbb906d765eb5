// Runs the main job on the example app against a local AWS emulator: the real
// `sst deploy` from sst@2.49.8, guarded by the checks in sst.config.ts.example.
// Nothing leaves 127.0.0.1: moto_server replaces AWS, keys are fake.
import { execa } from "execa";
import path from "node:path";
import { makeIsolatedEnv } from "./harness/env.js";
import { motoAvailable, MOTO_INSTALL_COMMAND, startMoto } from "./harness/moto.js";
import { makeSstApp } from "./harness/sst-app.js";

if (!motoAvailable()) {
  process.stderr.write(`moto_server is not installed; install it with: ${MOTO_INSTALL_COMMAND}\n`);
  process.exit(2);
}

// The emulator answers as account 111111111111, the example's prod account.
const moto = await startMoto({ accountId: "111111111111" });
const app = makeSstApp();
const isolated = makeIsolatedEnv({
  endpoint: moto.url,
  vars: { AWS_ACCESS_KEY_ID: "AKIADEMOFAKEKEY00001", AWS_SECRET_ACCESS_KEY: "demo-fake-secret-key-not-real-000000000", NO_COLOR: undefined },
});
const sst = path.join(app.dir, "node_modules", ".bin", "sst");

async function step(title: string, args: string[]): Promise<void> {
  process.stderr.write(`\n=== ${title}\n$ sst ${args.join(" ")}\n`);
  const result = await execa(sst, args, { cwd: app.dir, env: isolated.env, extendEnv: false, reject: false, stdin: "ignore", stdout: "inherit", stderr: "inherit", timeout: 180_000 });
  process.stderr.write(`=== exit code ${result.exitCode}\n`);
}

try {
  await step("Stage dev expects account 222222222222, so the deploy stops before CloudFormation", ["deploy", "--stage", "dev"]);
  await step("Stage prod expects account 111111111111: the checks pass and SST goes on (the emulator cannot finish an SST deploy)", ["deploy", "--stage", "prod"]);
} finally {
  await moto.stop();
  app.cleanup();
  isolated.cleanup();
}

// Counts the AWS requests of a check run: moto's request recorder sees every request
// it serves, and the IAM stub's own log adds the simulation calls it answers itself.

import type { IamStub } from "../test/harness/iam-stub.js";
import type { MotoServer } from "../test/harness/moto.js";

export interface RequestCount {
  total: number;
  /** Requests per operation, such as `sts:GetCallerIdentity`. */
  byAction: Record<string, number>;
}

/** Runs `task` while recording, and returns the requests it made. */
export async function countRequests(moto: MotoServer, stub: IamStub, task: () => Promise<unknown>): Promise<RequestCount> {
  stub.clearCalls();
  await moto.startRecording();
  await task();
  await moto.stopRecording();
  const byAction: Record<string, number> = {};
  const add = (service: string | undefined, action: string | undefined) => {
    const key = `${service ?? "?"}:${action ?? "?"}`;
    byAction[key] = (byAction[key] ?? 0) + 1;
  };
  // S3 requests name no operation, so their method and path stand in for it.
  for (const request of await moto.recording()) add(request.service, request.action ?? `${request.method} ${request.path}`);
  for (const call of stub.calls) if (call.handledBy === "stub") add(call.service, call.action);
  return { total: Object.values(byAction).reduce((sum, count) => sum + count, 0), byAction };
}

/** Returns `after` minus `before`, per operation, dropping operations that cancel out. */
export function subtractCounts(after: RequestCount, before: RequestCount): RequestCount {
  const byAction: Record<string, number> = {};
  for (const [action, count] of Object.entries(after.byAction)) {
    const difference = count - (before.byAction[action] ?? 0);
    if (difference !== 0) byAction[action] = difference;
  }
  return { total: after.total - before.total, byAction };
}

// Classifies the CloudFormation status of a bootstrap stack and gives, for each state
// that blocks a deploy, the commands that repair it in the order they must run.
// sst-preflight never runs these itself, because most of them delete something.
import type { Finding } from "./types.js";

export interface StackRef {
  stackName: string;
  region: string;
  /** Step that rebuilds the stack after it is gone, such as the `cdk bootstrap` command. */
  rebuild: string;
  /** A bucket of an earlier stack that makes a new bootstrap fail with "already exists". */
  orphanBucket?: string;
}

/** Statuses in which the stack is usable; SST v2 accepts the first three only. */
export const STABLE_STATUSES = new Set(["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"]);

/** Returns a failing finding for a status that blocks deploys, or undefined for a stable stack. */
export function classifyStackStatus(status: string, ref: StackRef): Finding | undefined {
  if (STABLE_STATUSES.has(status)) return undefined;
  const where = `--stack-name ${ref.stackName} --region ${ref.region}`;
  const events = `See why: aws cloudformation describe-stack-events ${where}`;
  const deleteSteps = [`aws cloudformation delete-stack ${where}`, `aws cloudformation wait stack-delete-complete ${where}`];
  const numbered = (steps: string[]) => steps.map((step, index) => `${index + 1}. ${step}`);

  if (status === "ROLLBACK_COMPLETE") {
    const bucketSteps = ref.orphanBucket
      ? [`Empty and delete the bucket ${ref.orphanBucket} left by an earlier stack: aws s3 rb s3://${ref.orphanBucket} --force (or keep it and let cdk bootstrap import it with --import-existing-resources)`]
      : [];
    return {
      status: "fail",
      state: "rollback-complete",
      summary: `stack ${ref.stackName} is in ROLLBACK_COMPLETE: its first creation failed and it cannot be updated`,
      details: ref.orphanBucket ? [`The bucket ${ref.orphanBucket} exists outside the stack, so creating the stack again fails with "already exists".`] : [],
      guidance: [...numbered([...bucketSteps, ...deleteSteps, ref.rebuild]), events],
    };
  }
  if (status === "REVIEW_IN_PROGRESS") {
    return {
      status: "fail",
      state: "review-in-progress",
      summary: `stack ${ref.stackName} is in REVIEW_IN_PROGRESS: a change set created it (for example cdk bootstrap --no-execute, or an interrupted run) and was never executed`,
      guidance: [
        ...numbered([...deleteSteps, ref.rebuild]),
        `Or, if the pending change set is the one you want: aws cloudformation list-change-sets ${where}, then aws cloudformation execute-change-set ${where} --change-set-name NAME`,
      ],
    };
  }
  if (status.endsWith("_IN_PROGRESS")) {
    return {
      status: "fail",
      state: "in-progress",
      summary: `stack ${ref.stackName} is in ${status}: another deploy or bootstrap is changing it now`,
      guidance: [`Wait until it finishes, then run again: ${waitCommand(status, where)}`, events],
    };
  }
  if (status === "UPDATE_ROLLBACK_FAILED") {
    return {
      status: "fail",
      state: "update-rollback-failed",
      summary: `stack ${ref.stackName} is in UPDATE_ROLLBACK_FAILED: an update failed and so did its rollback`,
      guidance: [
        ...numbered([
          `aws cloudformation continue-update-rollback ${where} (add --resources-to-skip LOGICAL_ID for a resource that cannot roll back)`,
          `Wait for UPDATE_ROLLBACK_COMPLETE: aws cloudformation describe-stacks ${where} --query "Stacks[0].StackStatus"`,
          ref.rebuild,
        ]),
        events,
      ],
    };
  }
  if (status === "UPDATE_FAILED") {
    return {
      status: "fail",
      state: "update-failed",
      summary: `stack ${ref.stackName} is in UPDATE_FAILED: an update failed with rollback turned off`,
      guidance: [...numbered([`aws cloudformation rollback-stack ${where}`, ref.rebuild]), events],
    };
  }
  if (status === "ROLLBACK_FAILED" || status === "CREATE_FAILED" || status === "DELETE_FAILED") {
    return {
      status: "fail",
      state: status.toLowerCase().replace(/_/g, "-"),
      summary: `stack ${ref.stackName} is in ${status} and must be deleted before it can be created again`,
      guidance: [...numbered([...deleteSteps, ref.rebuild]), events],
    };
  }
  return {
    status: "fail",
    state: "failed",
    summary: `stack ${ref.stackName} is in ${status}, which a deploy cannot use`,
    guidance: [events],
  };
}

function waitCommand(status: string, where: string): string {
  if (status === "CREATE_IN_PROGRESS") return `aws cloudformation wait stack-create-complete ${where}`;
  if (status === "UPDATE_IN_PROGRESS" || status === "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS") return `aws cloudformation wait stack-update-complete ${where}`;
  if (status === "DELETE_IN_PROGRESS") return `aws cloudformation wait stack-delete-complete ${where}`;
  if (status === "IMPORT_IN_PROGRESS") return `aws cloudformation wait stack-import-complete ${where}`;
  return `aws cloudformation describe-stacks ${where} --query "Stacks[0].StackStatus"`;
}

// Says what is missing when no credentials are configured at all, with the GitHub
// Actions OIDC setup in mind: a job can request an OIDC token only when the workflow
// grants `permissions: id-token: write`, which makes the runner set
// ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN.

export interface MissingCredentialsHint {
  detail?: string;
  fix: string;
}

export function describeMissingCredentials(env: NodeJS.ProcessEnv): MissingCredentialsHint {
  if (env.GITHUB_ACTIONS === "true") {
    if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      return {
        detail: "this GitHub Actions job cannot request an OIDC token because ACTIONS_ID_TOKEN_REQUEST_URL is not set",
        fix: "Add `permissions: id-token: write` (and `contents: read`) to the workflow or job, then run aws-actions/configure-aws-credentials with role-to-assume before this step.",
      };
    }
    return {
      detail: "this GitHub Actions job can request an OIDC token, but no step turned it into AWS credentials",
      fix: "Run aws-actions/configure-aws-credentials with role-to-assume (and aws-region) before this step.",
    };
  }
  return {
    fix: "Select a profile with --profile or AWS_PROFILE (run aws configure sso or aws configure to create one), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
  };
}

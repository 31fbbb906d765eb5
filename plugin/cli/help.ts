export const HELP = `sst-preflight: checks before an SST or AWS CDK deploy

Usage:
  sst-preflight check [options]              run the checks and report
  sst-preflight [options] <command> [args]   run the checks, then the project's sst
                                             (command: deploy, dev, start, remove, diff, bootstrap)
  sst-preflight [options] cdk <args>         run the checks, then the project's cdk
  sst-preflight init [folder]                set a project up: devDependency, package scripts,
                                             preflight() in sst.config.ts (SST v2), example config;
                                             shows the changes and asks first (--yes: no question,
                                             --dry-run: only show, --package-manager npm|pnpm|yarn)
  sst-preflight policy [options]             print the IAM policies a deployer needs:
                                             --strategy admin|services|policy-file|service-role,
                                             --services a,b --custom-domain --policy-file FILE,
                                             or --cdk-out DIR for synthesized templates;
                                             --format text|json, --output DIR

Options (before a wrapper command; anywhere for check):
  --stage NAME        stage to check (default: the tool's own resolution); with check,
                      a comma-separated list checks several stages in one run
  --all-stages        with check: check every stage named in the configuration
  --profile NAME      AWS profile (default: the tool's own resolution)
  --region NAME       AWS region (default: the tool's own resolution)
  --command NAME      command to check for, with check (default: deploy)
  --tool NAME         sst-v1, sst-v2, sst-v3 or cdk (default: detected)
  --config FILE       configuration file (default: preflight.config.* or package.json)
  --role-arn ARN      CloudFormation service role, overriding the stage's roleArn
  --json              print the report as JSON on stdout
  --fail-on LEVEL     stop on fail (default), unknown or warn
  --offline           make no AWS call; explain the credential chain only
  --fix               let the bootstrap check run cdk bootstrap when it is missing or old
  --yes               answer yes to confirmations (a protected stage still needs --stage)
  --verbose, --quiet  more or less output
  --no-color          no colours (NO_COLOR and TERM=dumb also turn them off)
  --debug             show stack traces of unexpected errors
  -h, --help          show this help
  --version           show the version

Exit codes: 0 passed (warnings allowed), 1 a check failed, 2 invalid usage or
configuration, 130 interrupted; a wrapper returns the wrapped command's code.
Set PREFLIGHT_SKIP=1 to skip the checks for one run.
`;

// Requirements that every strategy adds: access to the bootstrap in each target, and
// for `sst dev`/`sst start` the resources of SST's live-development stack.
import type { ToolName } from "../../plugin/config/schema.js";
import type { BootstrapSettings } from "./bootstrap-settings.js";
import type { DeployTarget, Requirement } from "./requirements.js";

export interface BaselineInput {
  tool: ToolName;
  /** Command of the wrapped tool, such as "deploy" or "dev". */
  command: string;
  target: DeployTarget;
  bootstrap: BootstrapSettings;
}

const DEV_COMMANDS = new Set(["dev", "start"]);

/** Returns the bootstrap requirements plus, for dev and start, the live-development ones. */
export function baselineRequirements(input: BaselineInput): Requirement[] {
  const requirements = input.tool === "sst-v3" ? sstIonBootstrap(input.target) : cdkBootstrap(input);
  if (input.tool === "sst-v1") requirements.push(...input.target.regions.map((region) => sstV1Bootstrap(input.target, region)));
  if (DEV_COMMANDS.has(input.command) && (input.tool === "sst-v1" || input.tool === "sst-v2")) {
    requirements.push(...input.target.regions.map((region) => devStack(region)));
    // SST v2 streams Live Lambda invocations through AWS IoT instead of v1's WebSocket API.
    if (input.tool === "sst-v2") requirements.push(...input.target.regions.map((region) => liveLambda(region)));
  }
  return requirements;
}

function cdkBootstrap(input: BaselineInput): Requirement[] {
  const { target, bootstrap } = input;
  const { partition, account } = target;
  const q = bootstrap.qualifier;
  const requirements: Requirement[] = [
    {
      sid: "AssumeCdkBootstrapRoles",
      purpose: `assume the modern bootstrap's deploy, publishing and lookup roles (cdk-${q}-*)`,
      actions: ["sts:AssumeRole"],
      resources: [`arn:${partition}:iam::${account}:role/cdk-${q}-*`],
    },
  ];
  for (const region of target.regions) {
    const stacks = [bootstrap.toolkitStackName, ...(input.tool === "sst-v2" ? [bootstrap.sstBootstrapStackName] : [])];
    requirements.push(
      {
        sid: "ReadBootstrapStacks",
        purpose: `read the bootstrap stack${stacks.length > 1 ? "s" : ""} ${stacks.join(" and ")}`,
        actions: ["cloudformation:DescribeStacks"],
        resources: stacks.map((stack) => `arn:${partition}:cloudformation:${region}:${account}:stack/${stack}/*`),
        region,
      },
      {
        sid: "ReadBootstrapVersion",
        purpose: `read the bootstrap version parameter /cdk-bootstrap/${q}/version`,
        actions: ["ssm:GetParameter", "ssm:GetParameters"],
        resources: [`arn:${partition}:ssm:${region}:${account}:parameter/cdk-bootstrap/${q}/version`],
        region,
      },
      {
        sid: "UseCdkAssetBucket",
        purpose: `upload assets to cdk-${q}-assets-${account}-${region}`,
        actions: ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation"],
        // S3 ARNs carry neither account nor region; the bucket name does.
        resources: [`arn:${partition}:s3:::cdk-${q}-assets-${account}-${region}`, `arn:${partition}:s3:::cdk-${q}-assets-${account}-${region}/*`],
        region,
      },
    );
  }
  return requirements;
}

function sstV1Bootstrap(target: DeployTarget, region: string): Requirement {
  return {
    sid: "ReadSstBootstrapParameters",
    purpose: "read SST's bootstrap parameters under /sst/bootstrap/",
    actions: ["ssm:GetParameter", "ssm:GetParameters"],
    resources: [`arn:${target.partition}:ssm:${region}:${target.account}:parameter/sst/bootstrap/*`],
    region,
  };
}

// SST v3 and later deploy with Pulumi: no CloudFormation, but an SSM parameter, two
// buckets and an ECR repository per account and region.
function sstIonBootstrap(target: DeployTarget): Requirement[] {
  const { partition, account } = target;
  const requirements: Requirement[] = [
    {
      sid: "UseSstStateAndAssetBuckets",
      purpose: "read and write SST's state and asset buckets (sst-state-*, sst-asset-*)",
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
      resources: [`arn:${partition}:s3:::sst-state-*`, `arn:${partition}:s3:::sst-asset-*`],
    },
  ];
  for (const region of target.regions) {
    requirements.push(
      {
        sid: "UseSstBootstrapParameters",
        purpose: "read and write /sst/bootstrap and SST's other parameters under /sst/",
        actions: ["ssm:GetParameter", "ssm:GetParameters", "ssm:PutParameter"],
        resources: [`arn:${partition}:ssm:${region}:${account}:parameter/sst/*`],
        region,
      },
      {
        sid: "UseSstAssetRepository",
        purpose: "push container images to the sst-asset repository",
        actions: ["ecr:CreateRepository", "ecr:DescribeRepositories", "ecr:PutImage", "ecr:InitiateLayerUpload"],
        resources: [`arn:${partition}:ecr:${region}:${account}:repository/sst-asset`],
        region,
      },
    );
  }
  return requirements;
}

function devStack(region: string): Requirement {
  return {
    sid: "DeploySstDevStack",
    purpose: "create SST's live-development stack: role and policy, bucket and bucket policy, table, function, WebSocket API",
    actions: [
      "iam:CreateRole", "iam:PutRolePolicy", "iam:PassRole",
      "s3:CreateBucket", "s3:PutBucketPolicy",
      "dynamodb:CreateTable",
      "lambda:CreateFunction", "lambda:AddPermission",
      // API Gateway v2 APIs, stages, routes and integrations are created by POST under /apis.
      "apigateway:POST", "apigateway:GET", "apigateway:PATCH",
    ],
    // The stack's resource names are generated, so no narrower ARN is known before the deploy.
    resources: ["*"],
    region,
  };
}

function liveLambda(region: string): Requirement {
  return {
    sid: "UseSstLiveLambda",
    purpose: "relay Live Lambda invocations through AWS IoT",
    actions: ["iot:DescribeEndpoint", "iot:Connect", "iot:Publish", "iot:Subscribe", "iot:Receive"],
    resources: ["*"],
    region,
  };
}

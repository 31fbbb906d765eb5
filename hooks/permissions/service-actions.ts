// Typical actions of a deploy per IAM service prefix. The "services" strategy grants
// `service:*` but simulates these, because a simulation needs concrete action names:
// a policy that grants the service fully allows all of them.

const SERVICE_ACTIONS: Record<string, string[]> = {
  cloudformation: [
    "CreateStack", "UpdateStack", "DeleteStack", "DescribeStacks", "DescribeStackEvents", "CreateChangeSet",
    "DescribeChangeSet", "ExecuteChangeSet", "DeleteChangeSet", "GetTemplate", "GetTemplateSummary",
  ],
  iam: ["CreateRole", "DeleteRole", "GetRole", "PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy", "PassRole", "TagRole", "CreatePolicy"],
  logs: ["CreateLogGroup", "DeleteLogGroup", "PutRetentionPolicy", "DescribeLogGroups", "TagResource"],
  lambda: [
    "CreateFunction", "UpdateFunctionCode", "UpdateFunctionConfiguration", "DeleteFunction", "GetFunction",
    "AddPermission", "RemovePermission", "PublishVersion", "CreateEventSourceMapping", "TagResource",
  ],
  dynamodb: ["CreateTable", "UpdateTable", "DeleteTable", "DescribeTable", "UpdateTimeToLive", "UpdateContinuousBackups", "TagResource"],
  // API Gateway authorizes by HTTP method on the API's resource path.
  apigateway: ["GET", "POST", "PUT", "PATCH", "DELETE"],
  s3: [
    "CreateBucket", "DeleteBucket", "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketTagging", "PutEncryptionConfiguration",
    "PutBucketPublicAccessBlock", "PutObject", "GetObject", "ListBucket",
  ],
  sqs: ["CreateQueue", "DeleteQueue", "SetQueueAttributes", "GetQueueAttributes", "TagQueue"],
  sns: ["CreateTopic", "DeleteTopic", "SetTopicAttributes", "Subscribe", "Unsubscribe", "TagResource"],
  events: ["PutRule", "DeleteRule", "DescribeRule", "PutTargets", "RemoveTargets", "CreateEventBus"],
  states: ["CreateStateMachine", "UpdateStateMachine", "DeleteStateMachine", "DescribeStateMachine", "TagResource"],
  "cognito-idp": ["CreateUserPool", "UpdateUserPool", "DeleteUserPool", "CreateUserPoolClient", "DeleteUserPoolClient"],
  "cognito-identity": ["CreateIdentityPool", "UpdateIdentityPool", "DeleteIdentityPool", "SetIdentityPoolRoles"],
  appsync: ["CreateGraphqlApi", "UpdateGraphqlApi", "DeleteGraphqlApi", "StartSchemaCreation", "CreateDataSource", "CreateResolver"],
  rds: ["CreateDBCluster", "ModifyDBCluster", "DeleteDBCluster", "CreateDBSubnetGroup", "AddTagsToResource"],
  ec2: ["CreateVpc", "DeleteVpc", "CreateSubnet", "CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "DescribeVpcs", "CreateTags"],
  ecr: ["CreateRepository", "DeleteRepository", "GetAuthorizationToken", "InitiateLayerUpload", "PutImage", "BatchGetImage"],
  ecs: ["CreateCluster", "DeleteCluster", "CreateService", "UpdateService", "DeleteService", "RegisterTaskDefinition"],
  kms: ["CreateKey", "DescribeKey", "PutKeyPolicy", "CreateAlias", "ScheduleKeyDeletion"],
  secretsmanager: ["CreateSecret", "UpdateSecret", "DeleteSecret", "PutSecretValue", "TagResource"],
  ssm: ["PutParameter", "GetParameter", "GetParameters", "DeleteParameter", "AddTagsToResource"],
  cloudfront: [
    "CreateDistribution", "UpdateDistribution", "DeleteDistribution", "GetDistribution", "CreateInvalidation",
    "CreateOriginAccessControl", "CreateCloudFrontOriginAccessIdentity", "CreateFunction",
  ],
  route53: ["ChangeResourceRecordSets", "GetChange", "GetHostedZone", "ListHostedZones", "ListHostedZonesByName", "CreateHostedZone"],
  acm: ["RequestCertificate", "DescribeCertificate", "DeleteCertificate", "ListCertificates", "AddTagsToCertificate"],
  kinesis: ["CreateStream", "DeleteStream", "DescribeStream", "AddTagsToStream", "IncreaseStreamRetentionPeriod"],
  firehose: ["CreateDeliveryStream", "DeleteDeliveryStream", "DescribeDeliveryStream", "UpdateDestination"],
  cloudwatch: ["PutMetricAlarm", "DeleteAlarms", "DescribeAlarms", "PutDashboard", "TagResource"],
  scheduler: ["CreateSchedule", "UpdateSchedule", "DeleteSchedule", "GetSchedule"],
  elasticloadbalancing: ["CreateLoadBalancer", "DeleteLoadBalancer", "CreateTargetGroup", "CreateListener", "ModifyLoadBalancerAttributes", "AddTags"],
  iot: ["DescribeEndpoint", "Connect", "Publish", "Subscribe", "Receive"],
};

/** Returns `service:Action` names to simulate for full access to `service`. */
export function typicalActions(service: string): string[] {
  const names = SERVICE_ACTIONS[service];
  // NOTE: a service without a list is simulated as the literal "service:*". Only a policy
  // that grants "service:*" or "*" matches it, so a policy of single actions reads as denied.
  if (!names) return [`${service}:*`];
  return names.map((name) => `${service}:${name}`);
}

/** Returns true when the catalog lists typical actions for `service`. */
export function isKnownService(service: string): boolean {
  return service in SERVICE_ACTIONS;
}

/**
 * Actions from many services, sampled to tell administrator access apart from a wide
 * but limited policy. All of them allowed is what AdministratorAccess (`*` on `*`) gives.
 */
export const ADMIN_PROBE_ACTIONS = [
  "iam:CreateUser", "iam:CreateRole", "iam:PassRole", "iam:PutUserPolicy", "sts:AssumeRole",
  "organizations:DescribeOrganization", "ec2:RunInstances", "ec2:CreateVpc", "s3:CreateBucket", "s3:PutBucketPolicy",
  "lambda:CreateFunction", "dynamodb:CreateTable", "cloudformation:CreateStack", "kms:CreateKey", "sqs:CreateQueue",
  "sns:CreateTopic", "route53:ChangeResourceRecordSets", "cloudfront:CreateDistribution", "acm:RequestCertificate",
  "rds:CreateDBCluster", "ecs:CreateCluster", "ecr:CreateRepository", "secretsmanager:CreateSecret", "ssm:PutParameter",
  "logs:CreateLogGroup", "events:PutRule", "states:CreateStateMachine", "apigateway:POST", "cognito-idp:CreateUserPool",
  "appsync:CreateGraphqlApi", "kinesis:CreateStream", "elasticloadbalancing:CreateLoadBalancer", "cloudwatch:PutMetricAlarm",
  "backup:CreateBackupVault", "cloudtrail:StopLogging",
];

/** Statement IDs for the services strategy, such as "ManageDynamoDB". */
const SERVICE_TITLES: Record<string, string> = {
  apigateway: "ApiGateway", dynamodb: "DynamoDB", iam: "IamRolesAndPolicies", logs: "CloudWatchLogs", s3: "S3Buckets",
  sqs: "SqsQueues", sns: "SnsTopics", events: "EventBridge", states: "StepFunctions", "cognito-idp": "CognitoUserPools",
  "cognito-identity": "CognitoIdentityPools", appsync: "AppSync", rds: "Rds", ec2: "Ec2", ecr: "Ecr", ecs: "Ecs",
  kms: "KmsKeys", secretsmanager: "Secrets", ssm: "SsmParameters", cloudfront: "CloudFront", route53: "Route53",
  acm: "Certificates", kinesis: "Kinesis", firehose: "Firehose", cloudwatch: "CloudWatch", scheduler: "Schedules",
  elasticloadbalancing: "LoadBalancers", lambda: "LambdaFunctions", cloudformation: "CloudFormationStacks", iot: "IoT",
};

/** Returns a readable statement ID for full access to `service`. */
export function serviceSid(service: string): string {
  const title = SERVICE_TITLES[service] ?? service.split(/[^a-z0-9]+/i).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("");
  return `Manage${title}`;
}

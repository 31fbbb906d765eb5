// Maps CloudFormation resource types to the IAM service prefixes that create them.
// Most namespaces lowercase to their prefix; the table lists the ones that do not.

const NAMESPACE_TO_SERVICE: Record<string, string> = {
  ApiGatewayV2: "apigateway",
  ApplicationAutoScaling: "application-autoscaling",
  CertificateManager: "acm",
  DocDB: "rds",
  EFS: "elasticfilesystem",
  ElasticLoadBalancing: "elasticloadbalancing",
  ElasticLoadBalancingV2: "elasticloadbalancing",
  Elasticsearch: "es",
  EventSchemas: "schemas",
  KinesisFirehose: "firehose",
  Location: "geo",
  MSK: "kafka",
  AmazonMQ: "mq",
  Neptune: "rds",
  OpenSearchService: "es",
  OpenSearchServerless: "aoss",
  StepFunctions: "states",
  CloudWatch: "cloudwatch",
  Logs: "logs",
};

// Types that need no permission of their own: metadata, and custom resources, which
// CloudFormation runs through the service token's Lambda function.
const NO_SERVICE_TYPES = new Set(["AWS::CDK::Metadata", "AWS::CloudFormation::CustomResource", "AWS::CloudFormation::WaitConditionHandle"]);

/** Returns the IAM service prefix for a resource type, or undefined when it needs none. */
export function serviceForResourceType(type: string): string | undefined {
  if (NO_SERVICE_TYPES.has(type) || type.startsWith("Custom::")) return undefined;
  const [vendor, namespace, resource] = type.split("::");
  if (vendor !== "AWS" || !namespace || !resource) return undefined;
  if (namespace === "Cognito") return resource.startsWith("IdentityPool") ? "cognito-identity" : "cognito-idp";
  return NAMESPACE_TO_SERVICE[namespace] ?? namespace.toLowerCase();
}

/** Returns the distinct IAM service prefixes for `types`, sorted. */
export function servicesForResourceTypes(types: Iterable<string>): string[] {
  const services = new Set<string>();
  for (const type of types) {
    const service = serviceForResourceType(type);
    if (service) services.add(service);
  }
  return [...services].sort();
}

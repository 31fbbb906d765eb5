// Builds AWS SDK clients on first use: one per service and region, sharing the
// resolved credentials, with connection and request timeouts on every call.
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { shareReadCalls, type AwsCallCache } from "./call-cache.js";

export interface AwsClientOptions {
  /** Credentials for every client; undefined until the credentials hook resolved them. */
  credentials?: AwsCredentialIdentityProvider;
  /** Region used when a caller passes none. */
  defaultRegion?: string;
  /**
   * Profile the wrapped tool uses. The SDK then reads that profile's settings, such as
   * endpoint_url, as the tool's own clients would; credentials are passed explicitly.
   */
  profile?: string;
  /** Timeout of one HTTP request, in milliseconds. */
  requestTimeoutMs: number;
  /** Attempts the SDK makes per call. Default 1, because callAws retries within the call's timeout. */
  maxAttempts?: number;
  /** Shares read-only calls with other sessions of the same run, such as other stages. */
  callCache?: AwsCallCache;
}

type ClientKind = "sts" | "iam" | "cloudformation" | "ssm" | "s3";

export class AwsClients {
  private readonly cache = new Map<string, Promise<unknown>>();
  private handler: Promise<unknown> | undefined;

  constructor(public options: AwsClientOptions) {}

  /** Replaces the credentials; clients made before keep the old ones, so call this before any client. */
  setCredentials(credentials: AwsCredentialIdentityProvider): void {
    this.options.credentials = credentials;
    this.cache.clear();
  }

  sts(region?: string): Promise<STSClient> {
    return this.get("sts", region, async (config) => new (await import("@aws-sdk/client-sts")).STSClient(config));
  }

  iam(region?: string): Promise<IAMClient> {
    return this.get("iam", region, async (config) => new (await import("@aws-sdk/client-iam")).IAMClient(config));
  }

  cloudformation(region?: string): Promise<CloudFormationClient> {
    return this.get("cloudformation", region, async (config) => new (await import("@aws-sdk/client-cloudformation")).CloudFormationClient(config));
  }

  ssm(region?: string): Promise<SSMClient> {
    return this.get("ssm", region, async (config) => new (await import("@aws-sdk/client-ssm")).SSMClient(config));
  }

  s3(region?: string): Promise<S3Client> {
    return this.get("s3", region, async (config) => new (await import("@aws-sdk/client-s3")).S3Client(config));
  }

  /** Closes the sockets of every client made so far. */
  async destroy(): Promise<void> {
    const clients = await Promise.allSettled(this.cache.values());
    for (const entry of clients) {
      if (entry.status === "fulfilled") (entry.value as { destroy?: () => void }).destroy?.();
    }
    this.cache.clear();
  }

  private get<T>(kind: ClientKind, region: string | undefined, create: (config: Record<string, unknown>) => Promise<T>): Promise<T> {
    // IAM is a global service; signing it in us-east-1 matches what the SDK does by default.
    const effectiveRegion = kind === "iam" ? region ?? "us-east-1" : region ?? this.options.defaultRegion ?? "us-east-1";
    const key = `${kind}:${effectiveRegion}`;
    let client = this.cache.get(key) as Promise<T> | undefined;
    if (!client) {
      const { credentials, callCache } = this.options;
      client = this.requestHandler()
        .then((requestHandler) =>
          create({
            region: effectiveRegion,
            credentials,
            requestHandler,
            ...(this.options.profile ? { profile: this.options.profile } : {}),
            maxAttempts: this.options.maxAttempts ?? 1,
          }),
        )
        .then((made) => (callCache ? shareReadCalls(made as T & { send(command: unknown): Promise<unknown> }, key, credentials, callCache) : made));
      this.cache.set(key, client);
    }
    return client;
  }

  private requestHandler(): Promise<unknown> {
    // One handler for all clients, so that calls to one endpoint reuse connections.
    this.handler ??= import("@smithy/node-http-handler").then(
      ({ NodeHttpHandler }) =>
        new NodeHttpHandler({
          connectionTimeout: Math.min(this.options.requestTimeoutMs, 5_000),
          requestTimeout: this.options.requestTimeoutMs,
          httpsAgent: { keepAlive: true, maxSockets: 16 },
          httpAgent: { keepAlive: true, maxSockets: 16 },
        }),
    );
    return this.handler;
  }
}

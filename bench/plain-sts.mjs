// The baseline of the benchmark: a plain Node script that only calls
// sts:GetCallerIdentity with the AWS SDK v3, as a deploy tool does first.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

const client = new STSClient({});
const identity = await client.send(new GetCallerIdentityCommand({}));
process.stdout.write(`${JSON.stringify({ account: identity.Account })}\n`);
client.destroy();

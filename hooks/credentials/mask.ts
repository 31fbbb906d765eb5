/** Masks an access key ID down to its first and last four characters, such as "AKIA…MPLE". */
export function maskAccessKeyId(accessKeyId: string | undefined): string | undefined {
  if (!accessKeyId) return undefined;
  if (accessKeyId.length <= 8) return "*".repeat(accessKeyId.length);
  return `${accessKeyId.slice(0, 4)}${"*".repeat(accessKeyId.length - 8)}${accessKeyId.slice(-4)}`;
}

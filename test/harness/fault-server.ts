// A loopback HTTP server that misbehaves on purpose, for resilience tests. Point
// AWS_ENDPOINT_URL at it: requests that match a rule get the rule's fault, every
// other request is passed on unchanged to the upstream emulator (normally moto).

import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { assertLoopbackUrl } from "./env.js";

/**
 * What a matching request gets:
 * - `stall`: the connection stays open and nothing is sent;
 * - `stall-body`: status and headers are sent, the body never ends;
 * - `reset`: the TCP connection is destroyed as soon as the request arrives;
 * - `status-500`, `status-503`: an error in the service's own wire format;
 * - `throttle`: the service's throttling error (`Throttling`, `ThrottlingException` or S3's `SlowDown`);
 * - `malformed`: HTTP 200 with a body cut off in the middle;
 * - `empty`: HTTP 200 with a well-formed document that has none of the expected fields;
 * - `forbidden-wrong-format`: HTTP 403 in the other format (JSON for XML services, XML for JSON
 *   services), as moto's SSM sends its denials;
 * - `forbidden-html`: HTTP 403 with an HTML page, as a proxy or firewall in between would send;
 * - `gateway-html`: HTTP 502 with an HTML page, as a load balancer sends when the service is down.
 */
export type FaultKind =
  | "stall"
  | "stall-body"
  | "reset"
  | "status-500"
  | "status-503"
  | "throttle"
  | "malformed"
  | "empty"
  | "forbidden-wrong-format"
  | "forbidden-html"
  | "gateway-html";

export const FAULT_KINDS: readonly FaultKind[] = [
  "stall",
  "stall-body",
  "reset",
  "status-500",
  "status-503",
  "throttle",
  "malformed",
  "empty",
  "forbidden-wrong-format",
  "forbidden-html",
  "gateway-html",
];

export interface FaultRule {
  fault: FaultKind;
  /** Signing name from the SigV4 scope, such as `sts`, `iam`, `cloudformation`, `ssm`, `s3`. Any service when unset. */
  service?: string;
  /** Operation name, such as `GetCallerIdentity`. Any operation when unset. */
  action?: string;
  /** Services this rule leaves alone, such as `["sts"]` to keep the identity check working. */
  exceptServices?: string[];
  /** How many matching requests get the fault before the rule stops applying. Unlimited when unset. */
  times?: number;
}

export interface FaultCall {
  service: string | undefined;
  action: string | undefined;
  /** The fault applied, or `upstream` when the request was passed on. */
  outcome: FaultKind | "upstream";
}

export interface FaultServer {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string;
  readonly calls: readonly FaultCall[];
  /** Replaces the rules and clears the call log. */
  configure(rules: FaultRule[]): void;
  /** Closes the server and every open connection, stalled ones included. */
  stop(): Promise<void>;
}

/** Starts the server on a free port of 127.0.0.1. `upstreamUrl` must be a loopback URL. */
export async function startFaultServer(options: { upstreamUrl: string; rules?: FaultRule[] }): Promise<FaultServer> {
  assertLoopbackUrl(options.upstreamUrl, "upstreamUrl");
  const upstream = new URL(options.upstreamUrl);
  let rules: Array<FaultRule & { used: number }> = [];
  const calls: FaultCall[] = [];
  const sockets = new Set<Socket>();

  const configure = (next: FaultRule[]): void => {
    rules = next.map((rule) => ({ ...rule, used: 0 }));
    calls.length = 0;
  };
  configure(options.rules ?? []);

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const target = describeRequest(request, body.toString("utf8"));
      const rule = rules.find((candidate) => matches(candidate, target));
      if (!rule) {
        calls.push({ ...target, outcome: "upstream" });
        forward(upstream, request, body, response);
        return;
      }
      rule.used++;
      calls.push({ ...target, outcome: rule.fault });
      applyFault(rule.fault, target, request, response);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fault server has no TCP address");

  return {
    url: `http://127.0.0.1:${address.port}`,
    calls,
    configure,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface RequestTarget {
  service: string | undefined;
  action: string | undefined;
  /** Wire format the client expects back. */
  protocol: "query" | "json" | "rest-xml";
}

function describeRequest(request: IncomingMessage, body: string): RequestTarget {
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(request.headers.authorization ?? ""));
  const service = scope?.[1];
  const target = request.headers["x-amz-target"];
  if (typeof target === "string") return { service, action: target.slice(target.lastIndexOf(".") + 1), protocol: "json" };
  const action = new URLSearchParams(body).get("Action") ?? new URL(request.url ?? "/", "http://127.0.0.1").searchParams.get("Action");
  if (action) return { service, action, protocol: "query" };
  return { service, action: `${request.method} ${request.url}`, protocol: "rest-xml" };
}

function matches(rule: FaultRule & { used: number }, target: RequestTarget): boolean {
  if (rule.times !== undefined && rule.used >= rule.times) return false;
  if (rule.service !== undefined && rule.service !== target.service) return false;
  if (rule.action !== undefined && rule.action !== target.action) return false;
  return !(target.service && rule.exceptServices?.includes(target.service));
}

function forward(upstream: URL, request: IncomingMessage, body: Buffer, response: ServerResponse): void {
  const proxied = httpRequest(
    { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  proxied.on("error", (error) => {
    if (!response.headersSent) response.writeHead(502, { "Content-Type": "text/plain" });
    response.end(`fault server: upstream failed: ${error.message}`);
  });
  proxied.end(body);
}

function applyFault(fault: FaultKind, target: RequestTarget, request: IncomingMessage, response: ServerResponse): void {
  switch (fault) {
    case "stall":
      // Keep the socket open without responding; stop() destroys it.
      return;
    case "stall-body":
      response.writeHead(200, { "Content-Type": contentType(target), "Content-Length": "4096" });
      response.write(target.protocol === "json" ? '{"' : "<?xml version=\"1.0\"?>");
      return;
    case "reset":
      request.socket.destroy();
      return;
    case "status-500":
      send(response, 500, contentType(target), errorBody(target, "InternalFailure", "We encountered an internal error. Please try again."));
      return;
    case "status-503":
      send(response, 503, contentType(target), errorBody(target, "ServiceUnavailable", "Service is unavailable. Please try again."));
      return;
    case "throttle": {
      const code = target.protocol === "json" ? "ThrottlingException" : target.protocol === "rest-xml" ? "SlowDown" : "Throttling";
      send(response, target.protocol === "rest-xml" ? 503 : 400, contentType(target), errorBody(target, code, "Rate exceeded"));
      return;
    }
    case "malformed":
      send(response, 200, contentType(target), target.protocol === "json" ? '{"Parameter": {"Name": "/cdk-bootstrap/hnb659fds/ver' : `<${target.action}Response><${target.action}Result><Arn>arn:aws:iam::1234`);
      return;
    case "empty":
      send(response, 200, contentType(target), target.protocol === "json" ? "{}" : `<${target.action ?? "Empty"}Response/>`);
      return;
    case "forbidden-wrong-format":
      if (target.protocol === "json") {
        send(response, 403, "text/xml", "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Access denied</Message></Error></ErrorResponse>");
      } else {
        send(response, 403, "application/json", '{"__type":"AccessDeniedException","message":"Access denied"}');
      }
      return;
    case "forbidden-html":
      send(response, 403, "text/html", "<html><body><h1>403 Forbidden</h1><p>Request blocked by proxy.</p></body></html>");
      return;
    case "gateway-html":
      send(response, 502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>");
      return;
  }
}

function contentType(target: RequestTarget): string {
  return target.protocol === "json" ? "application/x-amz-json-1.1" : "text/xml";
}

/** Builds an error document in the format the client expects: Query XML, JSON 1.1 or S3's REST XML. */
function errorBody(target: RequestTarget, code: string, message: string): string {
  if (target.protocol === "json") return JSON.stringify({ __type: code, message });
  if (target.protocol === "rest-xml") return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return `<ErrorResponse><Error><Type>Receiver</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-0000</RequestId></ErrorResponse>`;
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), "x-amzn-RequestId": "fault-0000" });
  response.end(body);
}

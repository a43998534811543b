/** Shapes shared by the mesh proxy's parts. */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Pod } from '../shapes';

/** What the mesh needs from the kubelet. */
export interface PodRuntimeAccess {
  /** Where a pod IP and container port really listen, when the kubelet had to fall back. */
  resolve(ip: string, port: number): { host: string; port: number } | undefined;
  sidecar(namespace: string, name: string): 'none' | 'running' | 'stopped';
  quitSidecar(namespace: string, name: string): boolean;
}

/** The client of one request, as the mesh knows it. */
export interface MeshClient {
  pod?: Pod;
  namespace?: string;
  /** The client's requests go through its (running) Envoy. */
  sidecar: boolean;
}

/** How a request is sent to a backend and its answer dressed before it reaches the client. */
export interface ForwardOptions {
  path: string;
  headers: OutgoingHttpHeaders;
  /** Edits the response headers (Envoy's response header operations, server header). */
  onResponse?: (headers: Record<string, string | string[]>, upstreamMs: number) => void;
  /** The client goes through a sidecar: failures look like Envoy's. */
  viaSidecar: boolean;
  timeoutMs?: number;
}

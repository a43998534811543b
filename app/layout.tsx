import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { ClusterErrorNotice } from '@/components/cluster-error';
import { ClusterHeader } from '@/components/cluster-header';
import { settle } from '@/lib/api/respond';
import { getClusterInfo } from '@/lib/server/cluster';
import './globals.css';

export const metadata: Metadata = {
  title: 'Splitscope',
  description: 'Design and verify Istio traffic splits',
};

// Every page reads the live cluster; nothing is prerendered.
export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: ReactNode }) {
  const cluster = await settle(getClusterInfo());
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        {cluster.ok ? (
          <ClusterHeader cluster={cluster.data} />
        ) : (
          <div className="mx-auto max-w-7xl px-6 pt-4">
            <ClusterErrorNotice error={cluster.error} />
          </div>
        )}
        {cluster.ok && cluster.data.error ? (
          <div className="mx-auto max-w-7xl px-6 pt-4">
            <ClusterErrorNotice error={{ ...cluster.data.error, code: cluster.data.reachable ? 'cluster_error' : 'unreachable' }} />
          </div>
        ) : null}
        <main className="mx-auto max-w-7xl px-6 py-6">{children}</main>
      </body>
    </html>
  );
}

// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // client-node pulls in optional native/ws dependencies; keep it out of the bundle
  // and load it from node_modules at run time, as Node would.
  serverExternalPackages: ['@kubernetes/client-node'],
  poweredByHeader: false,
  reactStrictMode: true,
};

module.exports = nextConfig;

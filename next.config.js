/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: {
    resolveAlias: {
      // y-monaco imports this path, which monaco-editor >= 0.56 no longer exports; it is the
      // same file as the public entry, so the app keeps a single Monaco instance.
      'monaco-editor/esm/vs/editor/editor.api.js': 'monaco-editor/editor/editor.api',
    },
  },
};
export default nextConfig;

// `TANDEM_TEST_BUILD=1` (`npm run build:test`, and the server started with it) is the build the
// end-to-end tests and the benchmarks drive: its own folder, with the page's test hook
// (window.__tandem, components/editor/testHook.ts) compiled in. A plain build sets the hook's
// switch to '' so the hook's code is removed from it.
const testBuild = process.env.TANDEM_TEST_BUILD === '1';

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  distDir: testBuild ? '.next-test' : '.next',
  env: { NEXT_PUBLIC_TANDEM_TEST_HOOKS: testBuild ? '1' : '' },
};
export default nextConfig;

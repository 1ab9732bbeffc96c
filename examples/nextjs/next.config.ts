import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// The repository root: `sessionrow` is linked from there (`file:../..`), so the bundler must see it.
const root = fileURLToPath(new URL("../..", import.meta.url));

const nextConfig: NextConfig = {
  turbopack: { root },
  outputFileTracingRoot: root,
};

export default nextConfig;

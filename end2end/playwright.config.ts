import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The release binary and site built by `cargo leptos build --release`.
const bin = process.env.HEATDESK_BIN ?? "../target/release/heatdesk";
const siteRoot = process.env.HEATDESK_SITE_ROOT ?? "../target/site";
const dataDir = mkdtempSync(join(tmpdir(), "heatdesk-e2e-"));

// A fixed clock makes the demo city's outages and season day deterministic.
export const IN_SEASON = { port: 3100, now: "2026-11-28T10:00" };
/** The secret the test plays the 12345 platform with. */
export const HOTLINE_SECRET = "e2e-secret-shared-with-12345";
export const BEFORE_SEASON = { port: 3101, now: "2026-10-01T08:00" };
/** The duty desk's own city: its outages must not touch the board the other specs read. */
export const DESK = { port: 3102, now: "2026-11-28T10:00" };
/** The first-visit measure's own city: its sign-ins spend none of the codes the other specs' address may ask for. */
export const FIRST_VISIT = { port: 3103, now: "2026-11-28T10:00" };
/** The applications spec's own city: its sign-ins spend none of the other specs' codes, and its homes change state. */
export const APPLICATIONS = { port: 3104, now: "2026-11-28T10:00" };
/** The heating fees spec's own city: its residents pay bills through the sandbox provider. */
export const FEES = { port: 3105, now: "2026-11-28T10:00" };

function server(port: number, now: string, name: string) {
  return {
    command: `${bin} serve --demo`,
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
    env: {
      DATABASE_URL: `sqlite:${join(dataDir, name)}.db`,
      HEATDESK_LISTEN: `127.0.0.1:${port}`,
      HEATDESK_PUBLIC_URL: `http://127.0.0.1:${port}`,
      HEATDESK_SITE_ROOT: siteRoot,
      HEATDESK_UPLOAD_DIR: join(dataDir, `${name}-uploads`),
      HEATDESK_FIXED_NOW: now,
      HEATDESK_HOTLINE_SECRET: HOTLINE_SECRET,
      RUST_LOG: "warn",
    },
  };
}

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
};

export default defineConfig({
  testDir: "./tests",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: "test-results/results.json" }]],
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${IN_SEASON.port}`,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    launchOptions: chromium,
    trace: "off",
  },
  projects: [
    {
      name: "desktop-js",
      use: { viewport: { width: 1280, height: 900 }, javaScriptEnabled: true },
    },
    {
      name: "desktop-no-js",
      use: { viewport: { width: 1280, height: 900 }, javaScriptEnabled: false },
    },
    {
      name: "phone-js",
      use: {
        ...devices["Pixel 5"],
        viewport: { width: 360, height: 740 },
        javaScriptEnabled: true,
      },
    },
    {
      name: "phone-no-js",
      use: {
        ...devices["Pixel 5"],
        viewport: { width: 360, height: 740 },
        javaScriptEnabled: false,
      },
    },
  ],
  webServer: [
    server(IN_SEASON.port, IN_SEASON.now, "in-season"),
    server(BEFORE_SEASON.port, BEFORE_SEASON.now, "before-season"),
    server(DESK.port, DESK.now, "desk"),
    server(FIRST_VISIT.port, FIRST_VISIT.now, "first-visit"),
    server(APPLICATIONS.port, APPLICATIONS.now, "applications"),
    server(FEES.port, FEES.now, "fees"),
  ],
});

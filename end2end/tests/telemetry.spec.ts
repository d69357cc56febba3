import { expect, Page, test } from "@playwright/test";
import { collectPageErrors, staffSignsIn, waitForHydration } from "./helpers";

// Smart heating with the demo's simulated platform feeding the city (it
// back-fills two days when the server starts): the dispatcher's station
// board shows the sagging station in alarm and the queue proposes it; the
// property manager's building page shows the flats' measured temperatures;
// the admin imports a sensor. At every project's size, JavaScript on and off.

/** Reloads `path` until `check` passes: the simulator fills in the background. */
async function once(page: Page, path: string, js: boolean, check: () => Promise<void>) {
  await expect(async () => {
    await page.goto(path);
    await waitForHydration(page, js);
    await check();
  }).toPass({ timeout: 25_000 });
}

test("the dispatcher's station board puts the sagging station first", async ({ page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled ?? true;
  const errors = collectPageErrors(page);
  await staffSignsIn(page, "dispatch_demo", js);
  await page.goto("/dispatch");
  await waitForHydration(page, js);
  await page.getByRole("link", { name: "换热站看板" }).click();
  await expect(page).toHaveURL(/\/desk\/stations$/);
  await once(page, "/desk/stations", js, async () => {
    await expect(page.locator('tr[data-alarm="below_curve"]')).toHaveCount(1, { timeout: 1_000 });
  });
  await expect(page.locator('tr[data-alarm="below_curve"]')).toContainText("低于曲线");
  // Alarms first: no row without an alarm comes before one with.
  const alarms = await page.locator("tbody tr").evaluateAll((rows) =>
    rows.map((row) => row.hasAttribute("data-alarm")),
  );
  expect(alarms.indexOf(false) === -1 || alarms.lastIndexOf(true) < alarms.indexOf(false)).toBe(true);
  await expect(page.getByText(/气候补偿曲线：室外 -7\.0 ℃ 时二次供水 55\.0 ℃/)).toBeVisible();
  // The board fits a phone: the table scrolls inside its card, not the page.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual((page.viewportSize()?.width ?? 1280) + 1);

  // The queue proposes it, found by data.
  await page.goto("/dispatch");
  await waitForHydration(page, js);
  const findings = page.locator("#data-findings");
  await expect(findings).toContainText("数据发现");
  await expect(findings.locator("[data-finding^='station:']")).toHaveCount(1);
  expect(errors).toEqual([]);
});

test("the property manager sees what the flats' sensors measured", async ({ page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled ?? true;
  const errors = collectPageErrors(page);
  await staffSignsIn(page, "property_demo", js);
  await page.goto("/property");
  await waitForHydration(page, js);
  const building = await page.locator('a[href^="/buildings/"]').first().getAttribute("href");
  expect(building).toBeTruthy();
  await once(page, building!, js, async () => {
    await expect(page.locator("#measured")).toBeVisible({ timeout: 1_000 });
  });
  const measured = page.locator("#measured");
  await expect(measured.getByRole("heading", { name: "实测室温（户内测温）" })).toBeVisible();
  await expect(measured.locator("svg[role=img]")).toHaveAttribute("aria-label", /最低实测室温/);
  await expect(measured.locator("tr[data-flat]").first()).toBeVisible();
  await expect(measured.locator("tr[data-flat]").first()).toContainText("℃");
  expect(errors).toEqual([]);
});

test("the admin imports a sensor and sees it in the registry", async ({ page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled ?? true;
  const errors = collectPageErrors(page);
  const code = `E2E-OUT-${testInfo.project.name}`;
  await staffSignsIn(page, "admin_demo", js);
  await page.goto("/admin");
  await waitForHydration(page, js);
  await page.getByRole("link", { name: "传感器登记" }).click();
  await expect(page).toHaveURL(/\/admin\/sensors$/);
  await waitForHydration(page, js);
  await page.getByLabel("CSV 内容").fill(`sensor_id,kind,place\n${code},outdoor,\n`);
  await page.getByRole("button", { name: "导入" }).click();
  await expect(page.getByText(/导入完成：新登记 1 个/)).toBeVisible();
  await page.goto("/admin/sensors");
  await waitForHydration(page, js);
  await expect(page.locator(`tr[data-sensor="${code}"]`)).toContainText("室外温度");

  // Mounted at a station after all: found from its row, given the
  // station's code; an unknown code is refused in plain words.
  await page.locator(`tr[data-sensor="${code}"] a`).click();
  await expect(page).toHaveURL(new RegExp(`sensor=${code}`));
  await waitForHydration(page, js);
  const form = page.locator(`form[data-editing="${code}"]`);
  await form.getByLabel("类型").selectOption("station");
  await form.getByLabel("位置").fill("NO-SUCH-STATION");
  await form.getByRole("button", { name: "保存修改" }).click();
  await expect(page.getByRole("alert")).toContainText("没有这个换热站编号");
  await waitForHydration(page, js);
  await form.getByLabel("类型").selectOption("station");
  await form.getByLabel("位置").fill("HR-001");
  await form.getByRole("button", { name: "保存修改" }).click();
  await expect(page.getByText(`已保存传感器 ${code} 的新位置。`)).toBeVisible();
  await page.goto("/admin/sensors");
  await expect(page.locator(`tr[data-sensor="${code}"]`)).toContainText("换热站");
  // The refused save answered 400, which the browser logs; nothing else.
  expect(errors.filter((e) => !e.includes("status of 400"))).toEqual([]);
  expect(errors.length).toBeLessThanOrEqual(1);
});

import { expect, type Page } from "@playwright/test";

/** Console errors and uncaught exceptions of a page, to assert there are none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** With JavaScript on, waits until the wasm has taken over the page. */
export async function waitForHydration(page: Page, javaScriptEnabled: boolean) {
  if (javaScriptEnabled) {
    // The hydrate entry marks the document once the wasm has taken over.
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  }
}

// Renders every card of cards-out/cards.json (written by dump_cards.py) to cards-out/<name>.png with the official
// `adaptivecards` JavaScript renderer in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
//
// Usage: node bench/cards/render.mjs [cards-out/cards.json] [cards-out]
// Env:   CHROMIUM=/path/to/chromium (default /usr/bin/chromium)
//
// The page loads nothing from the network (every request is refused): the renderer, markdown-it (Teams renders
// Adaptive Card markdown) and the cards come from local files. A card the renderer reports problems with is
// listed, and the run fails, so `make cards` also checks the cards as the official renderer reads them.

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const local = (file) => fileURLToPath(new URL(`./node_modules/${file}`, import.meta.url));
const input = process.argv[2] ?? "cards-out/cards.json";
const outDir = process.argv[3] ?? path.dirname(input);
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

// Close to Teams' light theme: Segoe UI-like sans, 14 px text, its accent and container colours.
const hostConfig = {
  fontFamily: "'Segoe UI', 'DejaVu Sans', sans-serif",
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: "#E1DFDD" },
  fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 300, default: 400, bolder: 600 },
  containerStyles: {
    default: {
      backgroundColor: "#FFFFFF",
      foregroundColors: {
        default: { default: "#242424", subtle: "#616161" },
        accent: { default: "#5B5FC7", subtle: "#7F85F5" },
        good: { default: "#237B4B", subtle: "#2E9A5F" },
        warning: { default: "#835B00", subtle: "#AA7A00" },
        attention: { default: "#C4314B", subtle: "#D45A6E" },
      },
    },
    emphasis: { backgroundColor: "#F5F5F5", foregroundColors: { default: { default: "#242424", subtle: "#616161" } } },
    accent: { backgroundColor: "#E8EBFA", foregroundColors: { default: { default: "#242424", subtle: "#616161" } } },
    good: { backgroundColor: "#E7F2DA", foregroundColors: { default: { default: "#242424", subtle: "#616161" } } },
    attention: { backgroundColor: "#FCF4F6", foregroundColors: { default: { default: "#242424", subtle: "#616161" } } },
    warning: { backgroundColor: "#FBF6D9", foregroundColors: { default: { default: "#242424", subtle: "#616161" } } },
  },
  actions: { maxActions: 6, buttonSpacing: 8, showCard: { actionMode: "inline", inlineTopMargin: 12 }, actionsOrientation: "horizontal", actionAlignment: "left" },
  factSet: { title: { weight: "bolder", wrap: true, maxWidth: 150 }, value: { wrap: true }, spacing: 8 },
};

const page_html = `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #F5F5F5; font-family: 'Segoe UI', 'DejaVu Sans', sans-serif; }
  #frame { width: 500px; padding: 12px; }
  #card { background: #FFFFFF; border: 1px solid #E1DFDD; border-radius: 6px; overflow: hidden; }
  .ac-pushButton { border: 1px solid #D1D1D1; border-radius: 4px; background: #FFFFFF; padding: 6px 12px; font: 600 14px 'Segoe UI', 'DejaVu Sans', sans-serif; }
  .ac-pushButton.style-positive { background: #5B5FC7; color: #FFFFFF; border-color: #5B5FC7; }
  .ac-pushButton.style-destructive { color: #C4314B; }
  .ac-input { font: 14px 'Segoe UI', 'DejaVu Sans', sans-serif; border: 1px solid #D1D1D1; border-radius: 4px; padding: 5px; }
  p { margin: 0; }
</style></head><body><div id="frame"><div id="card"></div></div></body></html>`;

function renderInPage({ card, hostConfig }) {
  const md = window.markdownit({ linkify: false, breaks: true });
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = md.render(text);
    result.didProcess = true;
  };
  const adaptive = new AdaptiveCards.AdaptiveCard();
  adaptive.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
  const context = new AdaptiveCards.SerializationContext();
  adaptive.parse(card, context);
  const problems = [];
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`${event.phase === 0 ? "parse" : "render"}: ${event.message}`);
  }
  for (const event of adaptive.validateProperties().validationEvents) {
    problems.push(`validate: ${event.message}`);
  }
  const target = document.getElementById("card");
  target.innerHTML = "";
  const element = adaptive.render();
  if (!element) problems.push("render: the renderer produced nothing");
  else target.appendChild(element);
  return problems;
}

async function main() {
  const cards = JSON.parse(await fs.readFile(input, "utf-8"));
  await fs.mkdir(outDir, { recursive: true });
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), "opsgate-cards-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
    viewport: { width: 540, height: 900 },
    deviceScaleFactor: 1,
  });
  let failed = 0;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.route("**/*", (route) => route.abort());  // no network at all
    await page.setContent(page_html);
    await page.addScriptTag({ path: local("adaptivecards/dist/adaptivecards.min.js") });
    await page.addScriptTag({ path: local("markdown-it/dist/browser/markdown-it.umd.min.js") });
    for (const [name, card] of Object.entries(cards)) {
      const problems = await page.evaluate(renderInPage, { card, hostConfig });
      const file = path.join(outDir, `${name}.png`);
      await page.locator("#frame").screenshot({ path: file });
      if (problems.length) {
        failed += 1;
        console.error(`${name}: ${problems.join("; ")}`);
      }
      console.log(`${file}${problems.length ? "  (problems above)" : ""}`);
    }
  } finally {
    await context.close();
    await fs.rm(profile, { recursive: true, force: true });
  }
  console.log(`${Object.keys(cards).length} cards rendered to ${outDir}; ${failed} with problems`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});

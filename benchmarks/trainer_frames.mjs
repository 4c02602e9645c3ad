// The book's trainer, frame by frame, in Node: what a frame costs without drawing (training, the snapshot,
// the class grid, the hinge lines), at the defaults and at the largest settings. Printed, never asserted.
// Usage: node benchmarks/trainer_frames.mjs build/js-fixtures/table.json   (make bench runs it)
import { readFileSync } from "node:fs";
import os from "node:os";
import { LocalModel } from "../helpers/playground/static/trainer.js";

const table = JSON.parse(readFileSync(process.argv[2], "utf8"));
const FRAMES = 30;

function ask(model, msg) {
  return new Promise((resolve) => {
    const once = (_, frame) => {
      model.off("change:frame", once);
      resolve(frame);
    };
    model.on("change:frame", once);
    model.send(msg);
  });
}

const largest = { hidden_size: 200, classes: 6, points_per_class: 200, speed: 200 };
for (const [name, settings] of [["defaults", {}], ["largest settings (H 200, 6 x 200 points, 200/frame)", largest]]) {
  const model = new LocalModel({ table, settings });
  while (model.get("frame").catching_up) await ask(model, { type: "frame" });
  await ask(model, { type: "play" });
  const start = performance.now();
  let iterations = 0;
  let updateMs = 0; // making the update: the snapshot, the class grid, the hinge lines and dead units
  for (let i = 0; i < FRAMES; i++) {
    iterations += (await ask(model, { type: "frame" })).last_step;
    updateMs += model.publishMs;
  }
  const ms = (performance.now() - start) / FRAMES;
  console.log(`${name}: ${ms.toFixed(1)} ms a frame in Node (no drawing; load average ` +
    `${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores), ${(1000 / ms).toFixed(0)} frames/s, ` +
    `${(iterations / FRAMES).toFixed(1)} iterations a frame; the update (snapshot, class grid, hinge lines) ` +
    `${(updateMs / FRAMES).toFixed(1)} ms of it`);
}

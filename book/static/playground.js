// The static playground: the sliders and the model buttons pick one of the figures that
// book/precompute.py computed in advance, and its status line. No kernel, no requests
// other than for the figure itself.
(function () {
  "use strict";
  var root = document.currentScript.closest(".book-playground");
  var data = JSON.parse(root.querySelector(".bp-data").textContent);
  var step = root.querySelector(".bp-step"), reg = root.querySelector(".bp-reg");
  var stepOut = root.querySelector(".bp-step-readout"), regOut = root.querySelector(".bp-reg-readout");
  var figure = root.querySelector(".bp-figure"), status = root.querySelector(".bp-status");

  function model() {
    return root.querySelector("input[name='bp-model']:checked").value;
  }

  function show() {
    var s = Number(step.value), r = Number(reg.value);
    var frame = data.frames[model()][r][s];
    stepOut.textContent = data.step[s];
    regOut.textContent = data.reg[r];
    step.setAttribute("aria-valuetext", "step size " + data.step[s]);
    reg.setAttribute("aria-valuetext", "reg " + data.reg[r]);
    figure.src = data.base + frame.image;
    status.textContent = frame.status;
  }

  step.addEventListener("input", show);
  reg.addEventListener("input", show);
  root.querySelectorAll("input[name='bp-model']").forEach(function (radio) {
    radio.addEventListener("change", show);
  });
  show();
})();

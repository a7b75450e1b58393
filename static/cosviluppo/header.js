// The main menu's panel becomes a dialog on phones; Bootstrap Italia names it "Menu", in English,
// unless it already has a name: give it the page's own, and take it back when the panel closes
// (a plain <div> may not carry a name).
document.addEventListener("show.bs.navbarcollapsible", (event) => {
  const label = event.target.dataset.dialogLabel;
  if (label) event.target.setAttribute("aria-label", label);
});
document.addEventListener("hidden.bs.navbarcollapsible", (event) => {
  if (event.target.dataset.dialogLabel) event.target.removeAttribute("aria-label");
});

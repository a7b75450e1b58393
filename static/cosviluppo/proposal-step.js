// A click on "Save" must always save. Leaving a field fires "change", which starts an autosave of
// the same form while the pointer is still on the button. The button therefore stays enabled, and
// a submit that comes while an autosave is under way waits for its answer: the answer carries the
// version that autosave produced, and a save posting the version before it would be refused as an
// edit conflict with the member's own autosave. Once the page's own save is on its way, no further
// autosave starts.
(() => {
  const form = document.getElementById("step-form");
  if (!form || !form.hasAttribute("hx-post")) return;
  let waiting = false;
  let leaving = false;
  form.addEventListener("submit", (event) => {
    if (form.classList.contains("htmx-request")) {
      event.preventDefault();
      if (!waiting) {
        waiting = true;
        const submitter = event.submitter;
        form.addEventListener(
          "htmx:afterRequest",
          () => {
            waiting = false;
            form.requestSubmit(submitter);
          },
          { once: true },
        );
      }
      return;
    }
    leaving = true;
  });
  form.addEventListener("htmx:beforeRequest", (event) => {
    if (leaving && event.detail.elt === form) event.preventDefault();
  });
})();

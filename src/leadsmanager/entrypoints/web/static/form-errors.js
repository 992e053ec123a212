// A form that comes back with errors puts the keyboard on the first field to correct (WCAG 3.3.1).
// A file, not an inline script: the Content-Security-Policy allows scripts from 'self' only.
document.addEventListener("DOMContentLoaded", function () {
  var first = document.querySelector("[aria-invalid='true']");
  if (first) {
    first.focus();
  }
});

// A remembered browser continues its session by itself: the form is posted once, at load.
// It cannot loop: a refused token is deleted, and without one the page sends to the log-in.
// Without JavaScript, the visitor presses "Tiếp tục".
(function () {
  var form = document.getElementById("resume-form");
  if (form) {
    form.submit();
  }
})();

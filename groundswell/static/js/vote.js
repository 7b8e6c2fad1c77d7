// A vote htmx could not send (offline, or the connection dropped): say so where the voter is,
// instead of a button that seems to do nothing. The focus stays on the button, to press again.
// The alert is added at each failure (an alert is announced as it appears) and removed once a
// vote goes through.
(function () {
  "use strict";
  var FAILED =
    "Your vote was not sent: the connection to the site failed. " +
    "Check your connection, then press the button again.";

  function failed() {
    var card = document.getElementById("vote-card");
    var shown = document.getElementById("vote-connection");
    if (!card) {
      return;
    }
    if (shown) {
      shown.remove(); // a new alert, so that a second failure is announced too
    }
    var alert = document.createElement("p");
    alert.id = "vote-connection";
    alert.className = "error";
    alert.setAttribute("role", "alert");
    alert.textContent = FAILED;
    card.parentNode.insertBefore(alert, card);
  }

  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);
  document.addEventListener("htmx:afterRequest", function (event) {
    var alert = document.getElementById("vote-connection");
    if (alert && event.detail.successful) {
      alert.remove();
    }
  });
})();

// Starts Swagger UI on /docs over the gateway's merged document. A file rather than an inline
// script, so the page's Content-Security-Policy allows scripts from 'self' only.
window.addEventListener("load", function () {
  "use strict";
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Swagger UI would send the document to validator.swagger.io for a badge: never offline.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    tryItOutEnabled: false,
    persistAuthorization: false,
  });
});

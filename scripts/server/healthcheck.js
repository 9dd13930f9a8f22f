// The Docker HEALTHCHECK: exits 0 when this container's server answers GET /health/live with 200.
const port = process.env.PORT || 3000;
fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(4000) }).then(
  (response) => process.exit(response.status === 200 ? 0 : 1),
  () => process.exit(1),
);

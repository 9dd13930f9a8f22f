// The packaged server's entry point: `node main.js` (the Docker image's CMD) runs the built service.
require('./dist/src/main.js');

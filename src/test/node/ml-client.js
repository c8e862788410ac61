// The real Google API client for Node (googleapis) driving the jobs service, as a user's script
// would: create a prediction job, wait for it, list, patch, cancel (refused: it has ended), and
// ask for permissions. Prints one JSON object per step on stdout; NodeClientIT checks them.
// Usage: node ml-client.js ROOT_URL PROJECT INPUT MODEL OUTPUT
const {google} = require('googleapis');

const [rootUrl, project, input, model, output] = process.argv.slice(2);
const ml = google.ml({version: 'v1', rootUrl});
const parent = 'projects/' + project;
const name = parent + '/jobs/from_node';

function report(step, data) {
  console.log(JSON.stringify({step, ...data}));
}

(async () => {
  const created = await ml.projects.jobs.create({
    parent,
    requestBody: {
      jobId: 'from_node',
      labels: {client: 'node'},
      predictionInput: {
        dataFormat: 'JSON',
        inputPaths: [input],
        outputPath: output,
        uri: model,
        region: 'local',
        batchSize: '32',
      },
    },
  });
  report('create', {state: created.data.state, etag: created.data.etag});

  let job;
  for (let i = 0; i < 240; i++) {
    job = (await ml.projects.jobs.get({name})).data;
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.state)) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  report('get', {state: job.state, predictionOutput: job.predictionOutput});

  const listed = await ml.projects.jobs.list({parent, filter: 'labels.client=node AND state:SUCCEEDED'});
  report('list', {jobIds: (listed.data.jobs || []).map((j) => j.jobId)});

  const patched = await ml.projects.jobs.patch({
    name,
    updateMask: 'labels',
    requestBody: {labels: {client: 'node', stage: 'done'}, etag: job.etag},
  });
  report('patch', {labels: patched.data.labels});

  try {
    await ml.projects.jobs.cancel({name, requestBody: {}});
    report('cancel', {code: 200});
  } catch (e) {
    report('cancel', {code: e.code, message: e.errors && e.errors[0] ? e.errors[0].message : e.message});
  }

  const permissions = await ml.projects.jobs.testIamPermissions({
    resource: name,
    requestBody: {permissions: ['ml.jobs.get', 'ml.jobs.cancel']},
  });
  report('testIamPermissions', {permissions: permissions.data.permissions});
})().catch((e) => {
  console.error('The Node client failed:', e.code, e.message);
  process.exit(1);
});

// The interactive viewer of the API description the service serves at /openapi.yaml. "Try it
// out" goes to the service that served this page: its address is put first among the servers.
window.ui = SwaggerUIBundle({
  url: '/openapi.yaml',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  onComplete: () => {
    const spec = window.ui.specSelectors.specJson().toJS()
    const here = window.location.origin
    const others = (spec.servers || []).filter((server) => server.url !== here)
    spec.servers = [{ url: here, description: 'this service' }, ...others]
    window.ui.specActions.updateJsonSpec(spec)
    window.ui.oas3Actions.setSelectedServer(here)
  },
})

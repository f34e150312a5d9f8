'use strict';
// getDataSourceSrv is only reached for exemplar trace links, which effekt's
// dashboards do not use: reaching it is a harness error.
exports.getDataSourceSrv = () => {
  throw new Error('@grafana/runtime stub: getDataSourceSrv is not available in the render harness');
};

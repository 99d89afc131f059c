import * as pkijs from 'pkijs';
console.log(typeof pkijs.Certificate);

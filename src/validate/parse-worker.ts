/**
 * Worker thread of `gmsctl validate` for large inputs: reads, decodes and parses a slice of
 * the files (file-task.ts) and sends the results back as plain data. Rules that look across
 * files run on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeFile, type FileTask, type TaskOptions } from './file-task.js';

const { tasks, options } = workerData as { tasks: FileTask[]; options: TaskOptions };
parentPort!.postMessage(tasks.map((t) => analyzeFile(t, options)));

"""The account worker: erases the learners whose deletion the API queued."""

"""Cases, SLA, knowledge base, complaints and recovery, surveys."""

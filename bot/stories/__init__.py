"""Stories: which articles and sentences belong to which tracked story."""

"""The candidate's side: signed links to their page, availability requests or self-scheduling
per stage, their itinerary and calendar invites by mail, accommodations and team preferences
they give us, and the notes a recruiter sends them."""

/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `albertplus codegen` (`albertplus dev` does on every push).
 * @module
 */

import type { FunctionReference } from "convex/server";
import type { GenericId as Id } from "convex/values";

/**
 * A utility for referencing functions in your app's public API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
export declare const api: {
  appConfigs: {
    getAllAppConfigs: FunctionReference<"query", "public", {}, any>;
    getAppConfig: FunctionReference<"query", "public", { key: string }, any>;
    removeAppConfig: FunctionReference<"mutation", "public", { key: string }, any>;
    setAppConfig: FunctionReference<"mutation", "public", { key: string; value: string }, any>;
  };
  courseOfferings: {
    getCorequisitesByCourseCode: FunctionReference<
      "query",
      "public",
      {
        classNumber: number;
        term: "spring" | "summer" | "fall" | "j-term";
        year: number;
      },
      any
    >;
    getCourseOfferingByClassNumber: FunctionReference<
      "query",
      "public",
      {
        classNumber: number;
        term: "spring" | "summer" | "fall" | "j-term";
        year: number;
      },
      any
    >;
    getCourseOfferingById: FunctionReference<"query", "public", { id: Id<"courseOfferings"> }, any>;
    getCourseOfferings: FunctionReference<
      "query",
      "public",
      {
        query?: string;
        term: "spring" | "summer" | "fall" | "j-term";
        year: number;
        paginationOpts: {
          numItems: number;
          cursor: string | null;
          endCursor?: string | null;
          id?: number;
          maximumRowsRead?: number;
          maximumBytesRead?: number;
        };
      },
      any
    >;
    getCourseOfferingsByCourseCodes: FunctionReference<
      "query",
      "public",
      {
        courseCodes: Array<string>;
        term: "spring" | "summer" | "fall" | "j-term";
        year: number;
      },
      any
    >;
  };
  courses: {
    getCourseByCode: FunctionReference<"query", "public", { code: string }, any>;
    getCourseById: FunctionReference<"query", "public", { id: Id<"courses"> }, any>;
    getCourses: FunctionReference<
      "query",
      "public",
      {
        level: "undergraduate" | "graduate";
        query?: string;
        schools?: Array<"College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG">;
        paginationOpts: {
          numItems: number;
          cursor: string | null;
          endCursor?: string | null;
          id?: number;
          maximumRowsRead?: number;
          maximumBytesRead?: number;
        };
      },
      any
    >;
  };
  programs: {
    getProgramById: FunctionReference<"query", "public", { id: Id<"programs"> }, any>;
    getProgramByName: FunctionReference<"query", "public", { name: string }, any>;
    getPrograms: FunctionReference<
      "query",
      "public",
      {
        query?: string;
        paginationOpts: {
          numItems: number;
          cursor: string | null;
          endCursor?: string | null;
          id?: number;
          maximumRowsRead?: number;
          maximumBytesRead?: number;
        };
      },
      any
    >;
  };
  schools: {
    getSchoolByNameAndLevel: FunctionReference<
      "query",
      "public",
      {
        name: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
        level: "undergraduate" | "graduate";
      },
      any
    >;
    getSchools: FunctionReference<"query", "public", {}, any>;
  };
  scraper: {
    triggerCoursesScraping: FunctionReference<"action", "public", {}, any>;
    triggerMajorsScraping: FunctionReference<"action", "public", {}, any>;
  };
  studentInvites: {
    createInvite: FunctionReference<"mutation", "public", { name: string; email: string }, any>;
    getCurrentUserInvite: FunctionReference<"query", "public", {}, any>;
  };
  students: {
    getCurrentStudent: FunctionReference<"query", "public", {}, any>;
    updateCurrentStudent: FunctionReference<
      "mutation",
      "public",
      {
        programs?: Array<Id<"programs">>;
        school?: Id<"schools">;
        startingDate?: { year: number; term: "spring" | "summer" | "fall" | "j-term" };
        expectedGraduationDate?: { year: number; term: "spring" | "summer" | "fall" | "j-term" };
      },
      any
    >;
    upsertCurrentStudent: FunctionReference<
      "mutation",
      "public",
      {
        programs: Array<Id<"programs">>;
        school: Id<"schools">;
        startingDate: { year: number; term: "spring" | "summer" | "fall" | "j-term" };
        expectedGraduationDate: { year: number; term: "spring" | "summer" | "fall" | "j-term" };
      },
      any
    >;
  };
  userCourseOfferings: {
    addUserCourseOffering: FunctionReference<
      "mutation",
      "public",
      {
        classNumber: number;
        alternativeOf?: Id<"userCourseOfferings">;
        forceAdd?: boolean;
      },
      any
    >;
    getAlternativeCourses: FunctionReference<
      "query",
      "public",
      { userCourseOfferingId: Id<"userCourseOfferings"> },
      any
    >;
    getCourseOfferingsByClassNumbers: FunctionReference<
      "query",
      "public",
      { classNumbers: Array<number> },
      any
    >;
    getScheduleCourseOfferings: FunctionReference<"query", "public", {}, any>;
    getUserCourseOfferings: FunctionReference<"query", "public", {}, any>;
    removeUserCourseOffering: FunctionReference<
      "mutation",
      "public",
      { id: Id<"userCourseOfferings"> },
      any
    >;
    swapWithAlternative: FunctionReference<
      "mutation",
      "public",
      { alternativeId: Id<"userCourseOfferings"> },
      any
    >;
    updateUserCourseOffering: FunctionReference<
      "mutation",
      "public",
      {
        id: Id<"userCourseOfferings">;
        classNumber: number;
        alternativeOf?: Id<"userCourseOfferings">;
      },
      any
    >;
  };
  userCourses: {
    createUserCourse: FunctionReference<
      "mutation",
      "public",
      {
        courseCode: string;
        title: string;
        year: number;
        term: "spring" | "summer" | "fall" | "j-term";
        alternativeOf?: Id<"userCourses">;
        grade?: "a" | "a-" | "b+" | "b" | "b-" | "c+" | "c" | "c-" | "d+" | "d" | "p" | "f" | "w";
      },
      any
    >;
    deleteUserCourse: FunctionReference<"mutation", "public", { id: Id<"userCourses"> }, any>;
    getUserCourses: FunctionReference<"query", "public", {}, any>;
    importUserCourses: FunctionReference<
      "mutation",
      "public",
      {
        courses: Array<{
          courseCode: string;
          title: string;
          year: number;
          term: "spring" | "summer" | "fall" | "j-term";
          alternativeOf?: Id<"userCourses">;
          grade?: "a" | "a-" | "b+" | "b" | "b-" | "c+" | "c" | "c-" | "d+" | "d" | "p" | "f" | "w";
        }>;
      },
      any
    >;
    updateUserCourse: FunctionReference<
      "mutation",
      "public",
      {
        title?: string;
        year?: number;
        term?: "spring" | "summer" | "fall" | "j-term";
        alternativeOf?: Id<"userCourses">;
        grade?: "a" | "a-" | "b+" | "b" | "b-" | "c+" | "c" | "c-" | "d+" | "d" | "p" | "f" | "w";
        id: Id<"userCourses">;
      },
      any
    >;
  };
};

/**
 * A utility for referencing functions in your app's internal API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = internal.myModule.myFunction;
 * ```
 */
export declare const internal: {
  appConfigs: {
    getAppConfigInternal: FunctionReference<"query", "internal", { key: string }, any>;
    setAppConfigInternal: FunctionReference<
      "mutation",
      "internal",
      { key: string; value: string },
      any
    >;
  };
  courseOfferings: {
    upsertCourseOfferingInternal: FunctionReference<
      "mutation",
      "internal",
      {
        courseCode: string;
        classNumber: number;
        title?: string;
        section: string;
        description?: string;
        year: number;
        term: "spring" | "summer" | "fall" | "j-term";
        level: "undergraduate" | "graduate";
        school: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
        instructors: Array<string>;
        location?: string;
        days: Array<"monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday">;
        startTime?: string;
        endTime?: string;
        status: "open" | "closed" | "waitlist";
        waitlistNum?: number;
        isCorequisite: boolean;
        corequisiteOf?: number;
      },
      any
    >;
    upsertCourseOfferingsInternal: FunctionReference<
      "mutation",
      "internal",
      {
        courseOfferings: Array<{
          courseCode: string;
          classNumber: number;
          title?: string;
          section: string;
          description?: string;
          year: number;
          term: "spring" | "summer" | "fall" | "j-term";
          level: "undergraduate" | "graduate";
          school: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
          instructors: Array<string>;
          location?: string;
          days: Array<"monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday">;
          startTime?: string;
          endTime?: string;
          status: "open" | "closed" | "waitlist";
          waitlistNum?: number;
          isCorequisite: boolean;
          corequisiteOf?: number;
        }>;
      },
      any
    >;
  };
  courses: {
    upsertCourseInternal: FunctionReference<
      "mutation",
      "internal",
      {
        code: string;
        program: string;
        programName: string;
        level: "undergraduate" | "graduate";
        title: string;
        credits: number;
        school: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
        description: string;
        courseUrl: string;
      },
      any
    >;
  };
  prerequisites: {
    createPrerequisitesInternal: FunctionReference<
      "mutation",
      "internal",
      {
        prerequisites: Array<{
          courseId: Id<"courses">;
          type: "required";
          courses: Array<string>;
        } | {
          courseId: Id<"courses">;
          type: "alternative";
          courses: Array<string>;
        } | {
          courseId: Id<"courses">;
          type: "options";
          courses: Array<string>;
          creditsRequired: number;
        }>;
      },
      any
    >;
    deletePrerequisitesByCourseInternal: FunctionReference<
      "mutation",
      "internal",
      { courseId: Id<"courses"> },
      any
    >;
  };
  programs: {
    upsertProgramInternal: FunctionReference<
      "mutation",
      "internal",
      {
        name: string;
        level: "undergraduate" | "graduate";
        school: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
        programUrl: string;
      },
      any
    >;
  };
  requirements: {
    createRequirementsInternal: FunctionReference<
      "mutation",
      "internal",
      {
        requirements: Array<{
          programId: Id<"programs">;
          isMajor: boolean;
          description?: string;
          type: "required";
          courses: Array<string>;
        } | {
          programId: Id<"programs">;
          isMajor: boolean;
          description?: string;
          type: "alternative";
          courses: Array<string>;
        } | {
          programId: Id<"programs">;
          isMajor: boolean;
          description?: string;
          type: "options";
          courses: Array<string>;
          courseLevels: Array<{ program: string; level: number }>;
          creditsRequired: number;
        }>;
      },
      any
    >;
    deleteRequirementsByProgramInternal: FunctionReference<
      "mutation",
      "internal",
      { programId: Id<"programs"> },
      any
    >;
  };
  seed: {
    clearAll: FunctionReference<"mutation", "internal", {}, any>;
    seedAll: FunctionReference<
      "mutation",
      "internal",
      {
        appConfigs: Array<{ key: string; value: string }>;
        schools: Array<{
          name: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
          shortName: string;
          level: "undergraduate" | "graduate";
        }>;
        programs: Array<{
          name: string;
          level: "undergraduate" | "graduate";
          school: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
          programUrl: string;
        }>;
        students: Array<{
          userId: string;
          programs: Array<string>;
          school: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
          schoolLevel: "undergraduate" | "graduate";
          startingDate: { year: number; term: "spring" | "summer" | "fall" | "j-term" };
          expectedGraduationDate: { year: number; term: "spring" | "summer" | "fall" | "j-term" };
        }>;
        courses: Array<{
          code: string;
          program: string;
          programName: string;
          level: "undergraduate" | "graduate";
          title: string;
          credits: number;
          school: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
          description: string;
          courseUrl: string;
        }>;
        courseOfferings: Array<{
          courseCode: string;
          classNumber: number;
          title?: string;
          section: string;
          description?: string;
          year: number;
          term: "spring" | "summer" | "fall" | "j-term";
          level: "undergraduate" | "graduate";
          school: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
          instructors: Array<string>;
          location?: string;
          days: Array<"monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday">;
          startTime?: string;
          endTime?: string;
          status: "open" | "closed" | "waitlist";
          waitlistNum?: number;
          isCorequisite: boolean;
          corequisiteOf?: number;
        }>;
        prerequisites: Array<{ courseCode: string; type: "required"; courses: Array<string> } | { courseCode: string; type: "alternative"; courses: Array<string> } | {
          courseCode: string;
          type: "options";
          courses: Array<string>;
          creditsRequired: number;
        }>;
        requirements: Array<{
          programName: string;
          isMajor: boolean;
          description?: string;
          type: "required";
          courses: Array<string>;
        } | {
          programName: string;
          isMajor: boolean;
          description?: string;
          type: "alternative";
          courses: Array<string>;
        } | {
          programName: string;
          isMajor: boolean;
          description?: string;
          type: "options";
          courses: Array<string>;
          courseLevels: Array<{ program: string; level: number }>;
          creditsRequired: number;
        }>;
        userCourses: Array<{
          userId: string;
          courseCode: string;
          title: string;
          year: number;
          term: "spring" | "summer" | "fall" | "j-term";
          grade?: "a" | "a-" | "b+" | "b" | "b-" | "c+" | "c" | "c-" | "d+" | "d" | "p" | "f" | "w";
        }>;
        userCourseOfferings: Array<{ userId: string; classNumber: number }>;
      },
      any
    >;
  };
};
